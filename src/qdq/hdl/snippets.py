"""Small hand-written Verilog designs: the seed's snippet, its variants, and synthesis probes.

``SEED_SNIPPET`` is the Q8.8 multiply from the book's source text, character for character.
:data:`SEED_MODULE` wraps it in a module so it can be simulated as it stands: its wires are
unsigned and its ``>> 8`` floors, so negative operands come out wrong. :data:`Q88_FLOOR_MODULE`
fixes the signedness only (signed wires, ``>>> 8``) and still floors and wraps; the exported
``fxmul`` block is the full fix (rounding and saturation).

:data:`PROBES` are the one-line designs whose Yosys cell counts chapter 7 reports.
"""

from __future__ import annotations

__all__ = ["PROBES", "Q88_FLOOR_MODULE", "SEED_MODULE", "SEED_SNIPPET"]

# Verbatim from the seed text (section 6), comments included.
SEED_SNIPPET = """\
// 8비트 고정 소수점(Q8.8) 곱셈 예시
wire [15:0] a, b;       // 입력 (정수 취급)
wire [31:0] mul_result; // 곱셈 결과
wire [15:0] final_out;  // 최종 복원 값

assign mul_result = a * b;             // 일반 정수 곱셈기 사용 (매우 빠름)
assign final_out = mul_result >> 8;    // 역양자화: 단순 전선 연결(Shift)로 끝!
"""

SEED_MODULE = (
    "// The seed's Q8.8 multiply, verbatim, inside a module with ports a, b and final_out.\n"
    "module seed_q88 (a, b, final_out);\n"
    "input [15:0] a, b;\n"
    "output [15:0] final_out;\n"
    + SEED_SNIPPET
    + "endmodule\n"
)

Q88_FLOOR_MODULE = """\
// Q8.8 multiply with signed wires and an arithmetic shift: right for negative numbers,
// but it floors (no +128) and keeps the low 16 bits of an overflowing result.
module q88_floor (
    input  signed [15:0] a,
    input  signed [15:0] b,
    output signed [15:0] p
);
wire signed [31:0] product = a * b;
assign p = product >>> 8;
endmodule
"""

# name -> Verilog source of a probe for synthesis; each defines a module of that name.
PROBES = {
    "mul8": """\
module mul8 (input signed [7:0] a, input signed [7:0] b, output signed [15:0] p);
assign p = a * b;
endmodule
""",
    "mul16": """\
module mul16 (input signed [15:0] a, input signed [15:0] b, output signed [31:0] p);
assign p = a * b;
endmodule
""",
    "mul32": """\
module mul32 (input signed [31:0] a, input signed [31:0] b, output signed [63:0] p);
assign p = a * b;
endmodule
""",
    "q88_floor": Q88_FLOOR_MODULE,
    "shr8": """\
module shr8 (input signed [31:0] x, output signed [31:0] y);
assign y = x >>> 8;
endmodule
""",
    "div256": """\
module div256 (input signed [31:0] x, output signed [31:0] y);
assign y = x / 256;
endmodule
""",
    "div32_16": """\
module div32_16 (input [31:0] n, input [15:0] d, output [31:0] q);
assign q = n / d;
endmodule
""",
}
