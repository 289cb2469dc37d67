"""``python -m qdq``: the same command line as the ``qdq`` console script."""

import sys

from qdq.cli import main

if __name__ == "__main__":  # guarded: pytest --doctest-modules imports this module
    sys.exit(main())
