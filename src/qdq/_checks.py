"""Input validation shared by the public functions.

Every public function funnels its arguments through these helpers so that bad input
raises a ``TypeError``/``ValueError`` naming the argument, never silent garbage.
"""

from __future__ import annotations

import numpy as np

MIN_BITS = 2
MAX_BITS = 32


def as_real_array(value, name: str) -> np.ndarray:
    """Return ``value`` as an array of real numbers, or raise ``TypeError``."""
    arr = np.asarray(value)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must hold real numbers (int or float), got dtype {arr.dtype}")
    return arr


def as_integer_array(value, name: str) -> np.ndarray:
    """Return ``value`` as an integer array, or raise ``TypeError``."""
    arr = np.asarray(value)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return arr


def require_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if a float array holds NaN or +-inf."""
    if np.issubdtype(arr.dtype, np.floating) and arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity")


def require_nonempty(arr: np.ndarray, name: str) -> None:
    if arr.size == 0:
        raise ValueError(f"{name} is empty; a value is needed")


def check_bits(bits, name: str = "bits", low: int = MIN_BITS, high: int = MAX_BITS) -> int:
    """Return ``bits`` as an int in ``[low, high]`` or raise."""
    if isinstance(bits, (bool, np.bool_)) or not isinstance(bits, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(bits).__name__}")
    if not low <= bits <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {bits}")
    return int(bits)


def int_dtype_for(bits: int) -> np.dtype:
    """Smallest signed NumPy integer dtype that holds ``bits``-bit two's complement."""
    for dtype in (np.int8, np.int16, np.int32, np.int64):
        if np.iinfo(dtype).bits >= bits:
            return np.dtype(dtype)
    raise ValueError(f"bits must be at most 64, got {bits}")


def broadcast_along(s: np.ndarray, shape: tuple, axis, name: str) -> np.ndarray:
    """Shape a per-slice parameter so it broadcasts along ``axis`` of an array of ``shape``.

    ``s`` may be a scalar (one value for the whole tensor) or hold exactly one value per
    slice along ``axis``, either flat (``absmax(x, axis=1)``) or with kept dimensions
    (``absmax(x, axis=1, keepdims=True)``).
    """
    if axis is None:
        if s.ndim:
            raise ValueError(f"{name} has shape {s.shape}; pass axis= to use one value per slice")
        return s
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer or None, got {type(axis).__name__}")
    ndim = len(shape)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array with {ndim} dimension(s)")
    axis = int(axis) % ndim
    if s.ndim == 0:
        return s
    if s.size != shape[axis]:
        raise ValueError(
            f"{name} has {s.size} values but axis {axis} of the data has length {shape[axis]}"
        )
    target = [1] * ndim
    target[axis] = shape[axis]
    return s.reshape(target)
