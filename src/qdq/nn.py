"""A tiny multilayer perceptron, trained in floating point and run on integers only.

The model is a list of ``(W, b)`` pairs, ``W`` of shape ``(out, in)``; hidden layers use
ReLU, the last layer gives logits. :func:`quantize_mlp` turns it into a list of
:class:`QuantLayer` with int8 weights, int32 biases and per-layer requantization
multipliers ``(m0, n)``; :func:`forward_int` then runs the network with integer
operations only (``int_matmul``, ``requantize``, ``max(., 0)``), and the single float
operation is the final :func:`dequantize_logits`.

Scales follow the book's convention (``s = 127 / alpha`` multiplies). With an input of
scale ``s_x`` and weights of scale ``s_w``, the int32 accumulator ``x_q @ w_q.T`` stands
for the real product times ``s_x * s_w``, so the bias is quantized with ``s_x * s_w`` and
the next layer's input (scale ``s_y``) is ``requantize(acc, m0, n)`` with
``M = s_y / (s_x * s_w) ~= m0 * 2**-31 * 2**-n``; per channel there is one ``(m0, n)``
per output neuron.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qdq._checks import as_integer_array, as_real_array, require_finite, require_nonempty
from qdq.calibrate import calibrate_alpha, quantize_weight
from qdq.integer import INT32_MAX, INT32_MIN, int_matmul, quantize_multiplier, requantize
from qdq.quant import dequantize, quantize, scale_factor

__all__ = [
    "QuantLayer",
    "load_digits_split",
    "init_mlp",
    "train_mlp",
    "forward_float",
    "quantize_mlp",
    "quantize_input",
    "forward_int",
    "dequantize_logits",
    "predict_int",
]


class QuantLayer(NamedTuple):
    """One integer layer: ``y = act(requantize(x_q @ w_q.T + b_q, m0, n))``.

    ``s_out``, ``m0`` and ``n`` are ``None`` for the last layer, whose int32 accumulator
    is dequantized with scale ``s_in * s_w`` instead of requantized.
    """

    w_q: np.ndarray  # int8, shape (out, in)
    b_q: np.ndarray  # int32, shape (out,), scale s_in * s_w
    s_in: float  # scale of the layer's int8 input
    s_w: float | np.ndarray  # weight scale: one, or one per output row
    s_out: float | None  # scale of the int8 output (None: last layer)
    m0: int | np.ndarray | None  # requantization multiplier(s) in [2**30, 2**31)
    n: int | np.ndarray | None  # right shift(s) in 0..31
    relu: bool


def load_digits_split(test_size: float = 0.25, seed: int = 0):
    """scikit-learn's bundled 8x8 digits (no download), split into a fixed train/test pair.

    Pixels (0..16) are divided by 16, so inputs lie in ``[0, 1]``. The split is stratified
    and fixed by ``seed``.

    Returns
    -------
    x_train, x_test : ndarray of float32, shapes (n, 64)
    y_train, y_test : ndarray of int64

    Examples
    --------
    >>> x_tr, x_te, y_tr, y_te = load_digits_split()
    >>> x_tr.shape, x_te.shape, float(x_tr.max())
    ((1347, 64), (450, 64), 1.0)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)
    return x_tr, x_te, y_tr, y_te


def init_mlp(sizes, seed: int = 0):
    """He-initialized layers ``[(W, b), ...]`` for layer widths ``sizes`` (input first), float64.

    Examples
    --------
    >>> [w.shape for w, b in init_mlp([64, 32, 10])]
    [(32, 64), (10, 32)]
    """
    sizes = [int(k) for k in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive widths, got {sizes}")
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in)), np.zeros(fan_out))
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _check_xy(x, y):
    x = as_real_array(x, "x")
    require_nonempty(x, "x")
    require_finite(x, "x")
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (samples, features), got shape {x.shape}")
    y = as_integer_array(y, "y")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must hold one label per row of x ({x.shape[0]}), got shape {y.shape}")
    if y.min() < 0:
        raise ValueError("y must hold class indices >= 0")
    return x.astype(np.float64), y


def train_mlp(x, y, hidden=(64, 32), epochs: int = 60, batch_size: int = 32, lr: float = 0.05,
              momentum: float = 0.9, weight_decay: float = 1e-3, seed: int = 0):
    """Train a ReLU MLP with softmax cross-entropy by mini-batch SGD with momentum.

    Training runs in float64 (fewer machine-dependent last bits); the returned model is
    cast to float32, the FP32 reference that the integer network is compared against.
    Everything random (initialization, shuffling) comes from ``seed``.

    Returns
    -------
    layers : list of (W, b)
        float32 arrays, ``W`` of shape ``(out, in)``.

    Examples
    --------
    >>> x = np.array([[0.0, 1.0], [1.0, 0.0]] * 8)
    >>> y = np.array([0, 1] * 8)
    >>> layers = train_mlp(x, y, hidden=(4,), epochs=30, batch_size=4)
    >>> forward_float(layers, x[:2]).argmax(axis=1)
    array([0, 1])
    """
    x, y = _check_xy(x, y)
    n_classes = int(y.max()) + 1
    layers = init_mlp([x.shape[1], *hidden, n_classes], seed)
    velocity = [(np.zeros_like(w), np.zeros_like(b)) for w, b in layers]
    rng = np.random.default_rng(seed + 1)
    onehot = np.eye(n_classes)[y]
    for _ in range(int(epochs)):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            acts = [x[idx]]
            for i, (w, b) in enumerate(layers):
                z = acts[-1] @ w.T + b
                acts.append(np.maximum(z, 0.0) if i < len(layers) - 1 else z)
            logits = acts[-1] - acts[-1].max(axis=1, keepdims=True)
            prob = np.exp(logits)
            prob /= prob.sum(axis=1, keepdims=True)
            grad = (prob - onehot[idx]) / len(idx)  # d(mean cross-entropy)/d(logits)
            for i in reversed(range(len(layers))):
                w, b = layers[i]
                gw = grad.T @ acts[i] + weight_decay * w
                gb = grad.sum(axis=0)
                if i:
                    grad = (grad @ w) * (acts[i] > 0)  # back through ReLU
                vw, vb = velocity[i]
                vw = momentum * vw - lr * gw
                vb = momentum * vb - lr * gb
                velocity[i] = (vw, vb)
                layers[i] = (w + vw, b + vb)
    return [(w.astype(np.float32), b.astype(np.float32)) for w, b in layers]


def forward_float(layers, x, return_all: bool = False):
    """Float forward pass: ReLU after every layer but the last.

    Returns the logits, or with ``return_all`` the list of every layer's output.
    """
    x = as_real_array(x, "x")
    outs = []
    for i, (w, b) in enumerate(layers):
        z = x @ w.T + b
        x = np.maximum(z, 0) if i < len(layers) - 1 else z
        outs.append(x)
    return outs if return_all else x


def quantize_mlp(layers, x_calib, per_channel: bool = True, method: str = "max",
                 percentile: float = 99.99, weight_bits: int = 8):
    """Convert a float MLP to integer layers, calibrating activation alphas on ``x_calib``.

    Weights become int8 (per output channel or per tensor, see :func:`qdq.quantize_weight`);
    biases become int32 at scale ``s_in * s_w``; each activation tensor (the input and
    every hidden output) gets one alpha from :func:`qdq.calibrate_alpha`; each hidden layer
    gets ``(m0, n) = quantize_multiplier(s_out / (s_in * s_w))``, one pair per output
    channel when the weights are per channel. ``weight_bits`` below 8 puts the weights on a
    coarser grid (still stored as int8), to see where per-channel scales start to matter.

    Raises
    ------
    ValueError
        If a bias does not fit int32, or a multiplier falls outside ``(0, 1)``.

    Examples
    --------
    >>> layers = [(np.array([[1.0, -2.0]]), np.array([0.5])), (np.array([[3.0]]), np.array([0.0]))]
    >>> q = quantize_mlp(layers, [[1.0, 0.0], [0.0, -1.0]])
    >>> q[0].s_in, q[0].s_w, q[0].s_out    # 127/1, 127/2 (row max), 127/2.5 (hidden max)
    (127.0, array([63.5]), 50.8)
    >>> q[0].w_q, q[0].b_q                 # 0.5 * 127 * 63.5 = 4032.25
    (array([[  64, -127]], dtype=int8), array([4032], dtype=int32))
    >>> q[0].m0, q[0].n                    # M = 50.8 / (127 * 63.5) = 0.80630... * 2**-7
    (array([1731514374]), array([7]))
    >>> q[1].s_out is None                 # the last layer is dequantized, not requantized
    True
    """
    x_calib = as_real_array(x_calib, "x_calib")
    require_finite(x_calib, "x_calib")
    alphas = [calibrate_alpha(x_calib, method, percentile)]
    alphas += [calibrate_alpha(h, method, percentile) for h in forward_float(layers, x_calib, True)[:-1]]
    scales = [scale_factor(a) for a in alphas]
    qlayers = []
    for i, (w, b) in enumerate(layers):
        last = i == len(layers) - 1
        # float64 scales: FP32 weights are exact in float64, and s, M stay accurate to ~1e-16
        w_q, s_w = quantize_weight(np.asarray(w, dtype=np.float64), per_channel=per_channel, bits=weight_bits)
        s_in = float(scales[i])
        s_acc = s_in * np.asarray(s_w, dtype=np.float64)
        b_q = np.rint(np.asarray(b, dtype=np.float64) * s_acc)
        if b_q.min() < INT32_MIN or b_q.max() > INT32_MAX:
            raise ValueError(f"bias of layer {i} does not fit int32 at scale s_in * s_w")
        b_q = b_q.astype(np.int32)
        s_out = m0 = n = None
        if not last:
            s_out = float(scales[i + 1])
            mults = np.atleast_1d(s_out / s_acc)
            if mults.max() >= 1.0:
                raise ValueError(
                    f"layer {i}: requantization multiplier s_out / (s_in * s_w) = {mults.max():.4g} is "
                    "not below 1 (the calibrated output range is tiny next to one input step times one "
                    "weight step)"
                )
            pairs = [quantize_multiplier(float(mult)) for mult in mults]
            m0 = np.array([p[0] for p in pairs], dtype=np.int64)
            n = np.array([p[1] for p in pairs], dtype=np.int64)
            if not per_channel:
                m0, n = int(m0[0]), int(n[0])
        qlayers.append(QuantLayer(w_q, b_q, s_in, s_w, s_out, m0, n, relu=not last))
    return qlayers


def quantize_input(qlayers, x):
    """Quantize the network input with the first layer's calibrated scale (clips beyond alpha)."""
    return quantize(x, qlayers[0].s_in)


def forward_int(qlayers, x_q, return_all: bool = False):
    """Integer-only forward pass: int8 in, int32 logits accumulator out.

    Each layer computes ``acc = int_matmul(x_q, w_q.T, bias=b_q)`` (exact, int32-checked);
    a hidden layer then requantizes to int8 and applies ReLU as ``max(y, 0)``.

    Returns the last accumulator, or with ``return_all`` the list of every layer's output
    (int8 hidden activations, then the int32 accumulator).
    """
    x = as_integer_array(x_q, "x_q")
    outs = []
    for layer in qlayers:
        acc = int_matmul(x, layer.w_q.T, bias=layer.b_q)
        if layer.s_out is None:
            x = acc
        else:
            x = requantize(acc, layer.m0, layer.n)
            if layer.relu:
                x = np.maximum(x, 0)
        outs.append(x)
    return outs if return_all else x


def dequantize_logits(qlayers, acc):
    """The one float operation: ``acc / (s_in * s_w)`` of the last layer, per class if per channel."""
    last = qlayers[-1]
    return dequantize(acc, last.s_in * np.asarray(last.s_w, dtype=np.float64), axis=-1)


def predict_int(qlayers, x):
    """Class predictions of the integer network for float inputs ``x``.

    The logits are dequantized before ``argmax``: with per-channel weights each class has
    its own scale, so comparing raw accumulators across classes would be wrong.
    """
    return dequantize_logits(qlayers, forward_int(qlayers, quantize_input(qlayers, x))).argmax(axis=-1)
