"""qdq: quantization, dequantization and fixed-point arithmetic, from FP32 to INT8 and back.

The library behind the Korean book of the same name. Every formula the chapters use
lives here, as a small function over NumPy arrays.
"""

from qdq import nn
from qdq.calibrate import calibrate_alpha, quantize_activation, quantize_weight
from qdq.fixed import fixed_mul, fixed_range, from_fixed, to_fixed
from qdq.integer import (
    INT32_MAX,
    INT32_MIN,
    accumulator_bits,
    int_matmul,
    max_terms,
    quantize_multiplier,
    requantize,
    rounding_divide_by_pot,
    saturating_rounding_doubling_high_mul,
)
from qdq.mac import mac_reference
from qdq.quant import absmax, dequantize, max_rounding_error, qmax, quantize, scale_factor

__version__ = "0.1.0"

__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "absmax",
    "accumulator_bits",
    "calibrate_alpha",
    "dequantize",
    "fixed_mul",
    "fixed_range",
    "from_fixed",
    "int_matmul",
    "mac_reference",
    "max_rounding_error",
    "max_terms",
    "nn",
    "qmax",
    "quantize",
    "quantize_activation",
    "quantize_multiplier",
    "quantize_weight",
    "requantize",
    "rounding_divide_by_pot",
    "saturating_rounding_doubling_high_mul",
    "scale_factor",
    "to_fixed",
]
