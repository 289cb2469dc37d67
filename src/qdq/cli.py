"""Command line of the ``qdq`` package: ``qdq export-hdl --out DIR [--hdl verilog|vhdl|both]``.

Installed as the ``qdq`` console script; ``python -m qdq`` runs the same :func:`main`.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]

HDL_CHOICES = ("verilog", "vhdl", "both")  # same as qdq.hdl.HDL_CHOICES, without importing MyHDL


def _parser() -> argparse.ArgumentParser:
    from qdq import __version__

    parser = argparse.ArgumentParser(
        prog="qdq",
        description="Tools of the qdq book: quantization, fixed point and MAC hardware.",
    )
    parser.add_argument("--version", action="version", version=f"qdq {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export-hdl",
        help="write the MyHDL blocks mac, requant and fxmul as Verilog and/or VHDL",
        description=(
            "Convert the MyHDL blocks mac, requant and fxmul (qdq.hdl) to Verilog (.v) and/or "
            "VHDL (.vhd, plus MyHDL's support package). The files carry no date or path, so "
            "every run writes the same bytes."
        ),
    )
    export.add_argument("--out", required=True, metavar="DIR", help="output directory (created if missing)")
    export.add_argument(
        "--hdl", default="verilog", choices=HDL_CHOICES, help="language(s) to write (default: verilog)"
    )
    return parser


def _export_hdl(args, parser: argparse.ArgumentParser) -> int:
    try:
        from qdq.hdl import export_hdl
    except ImportError as err:  # MyHDL is a reader requirement, but say so plainly if missing
        parser.exit(1, f"qdq export-hdl: needs MyHDL ({err}); pip install -r requirements.txt\n")
    try:
        paths = export_hdl(args.out, args.hdl)
    except OSError as err:
        reason = err.strerror or str(err)
        parser.exit(1, f"qdq export-hdl: cannot write to --out {args.out!r}: {reason}\n")
    for path in paths:
        print(f"wrote {path}")
    return 0


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     status = main(["export-hdl", "--out", d])  # doctest: +ELLIPSIS
    wrote ...mac.v
    wrote ...requant.v
    wrote ...fxmul.v
    >>> status
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "export-hdl":
        return _export_hdl(args, parser)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
