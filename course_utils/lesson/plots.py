"""Plots used across the course (lessons 02_00, 02_01, 02_02, 02_03).

Every function draws and returns a matplotlib object (``Axes`` or ``Figure``); none calls
``plt.show()`` or closes a figure, so they work the same in Jupyter, in a script and
headless under the Agg backend (CI). Pass ``ax=`` to draw into your own subplot.

* :func:`plot_decision_boundary` — where a classifier says 0 and where 1 (02_00, 02_01, 02_08)
* :func:`plot_history` — loss and metrics per epoch, training vs validation (02_03, 02_06, …)
* :func:`plot_predictions` — predicted vs true values for a regression (02_03)
* :func:`plot_activation_gallery` — each activation function (활성화 함수) and its derivative (02_02)

This module does not import TensorFlow: a Keras model is recognised through the ``keras``
module that is already loaded when such a model exists.
"""

from __future__ import annotations

import sys
from typing import Any, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .activations import ACTIVATIONS
from ..errors import PlotInputError
from ..i18n import _

__all__ = [
    "plot_decision_boundary",
    "plot_history",
    "plot_predictions",
    "plot_activation_gallery",
]

#: Rows per model call when a Keras model is evaluated on the grid.
GRID_CHUNK = 8192
#: Colours of the classes (points and filled regions): class 0 blue, class 1 red, then more.
CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f")


# --- input helpers --------------------------------------------------------------------------

def _numeric_array(values, what: str, func: str) -> np.ndarray:
    if values is None or isinstance(values, (str, bytes)):
        raise PlotInputError(_("{func}: {what} must be numbers (a list or an array), got {values!r}.").format(
            func=func, what=what, values=values))
    try:
        arr = np.asarray(_to_numpy(values), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PlotInputError(_("{func}: could not read {what} as numbers ({exc}).").format(
            func=func, what=what, exc=exc)) from None
    return arr


def _to_numpy(values):
    """Tensors (TensorFlow, Keras) → NumPy; anything else unchanged."""
    if hasattr(values, "numpy") and callable(values.numpy):
        try:
            return values.numpy()
        except Exception:  # pragma: no cover - symbolic tensors
            pass
    return values


def _keras_model_class():
    keras = sys.modules.get("keras")
    if keras is None:
        return None
    return getattr(keras, "Model", None)


def _new_axes(ax: Axes | None, figsize=(5.0, 4.5)) -> Axes:
    if ax is None:
        _fig, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise PlotInputError(_("ax must be a matplotlib Axes (e.g. from plt.subplots()), got {type}.").format(
            type=type(ax).__name__))
    return ax


# --- decision boundary ----------------------------------------------------------------------

def _predict_grid(model_or_fn, grid: np.ndarray) -> np.ndarray:
    """Scores of the model or function on the (m, 2) grid, as a float array with m rows."""
    model_cls = _keras_model_class()
    if model_cls is not None and isinstance(model_or_fn, model_cls):
        keras = sys.modules["keras"]              # loaded: model_cls came from it
        chunks = []
        grid32 = grid.astype(np.float32)
        for start in range(0, len(grid32), GRID_CHUNK):
            try:
                out = model_or_fn(grid32[start:start + GRID_CHUNK], training=False)
            except Exception as exc:
                raise PlotInputError(
                    _("plot_decision_boundary: the Keras model could not be called on points with 2 features "
                      "({type}: {error}). "
                      "The model's input must have shape (2,), e.g. keras.Input((2,)).").format(
                          type=type(exc).__name__, error=str(exc).splitlines()[0] if str(exc) else "")
                ) from None
            chunks.append(np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64))
        return np.concatenate(chunks, axis=0)
    if not callable(model_or_fn):
        raise PlotInputError(
            _("plot_decision_boundary: the first argument must be a Keras model or a function that maps an "
              "(n, 2) array to scores, got {type}.").format(type=type(model_or_fn).__name__)
        )
    try:
        out = model_or_fn(grid)
    except Exception as exc:
        raise PlotInputError(
            _("plot_decision_boundary: calling the function on an (n, 2) array of points failed "
              "({type}: {exc}). It must accept a NumPy array with one row per point.").format(
                  type=type(exc).__name__, exc=exc)
        ) from None
    try:
        return np.asarray(_to_numpy(out), dtype=np.float64)
    except (TypeError, ValueError):
        raise PlotInputError(
            _("plot_decision_boundary: the function must return numbers, got {type}.").format(type=type(out).__name__)
        ) from None


def _scores_to_surface(scores: np.ndarray, m: int) -> tuple[np.ndarray, int, bool]:
    """(values to fill, number of classes, values-are-probabilities) from raw grid scores."""
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.ndim == 0 or scores.shape[0] != m or scores.ndim > 2:
        raise PlotInputError(
            _("plot_decision_boundary: for {m} points the model must return shape ({m},), ({m}, 1) "
              "or ({m}, n_classes), got {shape}.").format(m=m, shape=scores.shape)
        )
    if not np.all(np.isfinite(scores)):
        raise PlotInputError(
            _("plot_decision_boundary: the model returned NaN or infinite scores for some points. "
              "Did training diverge? Check the loss history.")
        )
    if scores.ndim == 1:                                   # one score: threshold 0.5
        if scores.min() >= 0.0 and scores.max() <= 1.0:
            return scores, 2, True                         # probability of class 1
        return (scores >= 0.5).astype(np.float64), 2, False
    n_classes = scores.shape[1]
    classes = np.argmax(scores, axis=1).astype(np.float64)
    if n_classes == 2 and scores.min() >= 0 and np.allclose(scores.sum(axis=1), 1.0, atol=1e-4):
        return scores[:, 1], 2, True                       # P(class 1); 0.5 ⇔ argmax
    return classes, n_classes, False


def plot_decision_boundary(
    model_or_fn: Any,
    X,
    y,
    *,
    ax: Axes | None = None,
    resolution: int = 200,
    title: str | None = None,
) -> Axes:
    """Draw a 2-D classifier's decision regions with the data points on top (lessons 02_00, 02_01).

    ``model_or_fn`` is a Keras model (called as ``model(grid, training=False)`` in chunks)
    or any function mapping an (n, 2) array to scores: shape (n,) or (n, 1) is read as
    the probability of class 1 (class = score >= 0.5), shape (n, k) as per-class scores
    (class = argmax). Probabilities are filled as a colour gradient with the 0.5 line
    drawn in black; anything else is filled by predicted class.

    ``X`` has shape (n, 2) (features x1, x2), ``y`` one label per row.
    The filled contours have gid ``"decision_fill"``, the boundary line ``"decision_boundary"``.
    """
    func = "plot_decision_boundary"
    X = _numeric_array(X, "X", func)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise PlotInputError(
            _("{func}: X must have shape (n, 2), one row per point with features x1 and x2; got shape {shape}. "
              "Only 2-D inputs can be drawn as a plane.").format(func=func, shape=X.shape)
        )
    if not np.all(np.isfinite(X)):
        raise PlotInputError(_("{func}: X contains NaN or infinite values; remove or fill them first.").format(
            func=func))
    y = _numeric_array(y, "y", func)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise PlotInputError(_("{func}: y must hold one class label per row of X, got shape {shape}.").format(
            func=func, shape=y.shape))
    if len(y) != len(X):
        raise PlotInputError(_("{func}: X has {rows} rows but y has {labels} labels; they must match.").format(
            func=func, rows=len(X), labels=len(y)))
    if not np.all(np.isfinite(y)):
        raise PlotInputError(_("{func}: y contains NaN or infinite labels.").format(func=func))
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise PlotInputError(_("{func}: resolution must be a whole number >= 2 (grid points per axis), got {resolution!r}.").format(
            func=func, resolution=resolution))

    lo, hi = X.min(axis=0), X.max(axis=0)
    span = hi - lo
    margin = np.where(span > 0, 0.1 * span, 0.5)
    x1 = np.linspace(lo[0] - margin[0], hi[0] + margin[0], resolution)
    x2 = np.linspace(lo[1] - margin[1], hi[1] + margin[1], resolution)
    xx1, xx2 = np.meshgrid(x1, x2)
    grid = np.column_stack([xx1.ravel(), xx2.ravel()])

    scores = _predict_grid(model_or_fn, grid)
    surface, n_classes, is_prob = _scores_to_surface(scores, len(grid))
    zz = surface.reshape(xx1.shape)

    ax = _new_axes(ax)
    if is_prob:
        fill = ax.contourf(xx1, xx2, zz, levels=np.linspace(0.0, 1.0, 11), cmap="RdBu_r", alpha=0.45, vmin=0, vmax=1)
        if zz.min() < 0.5 < zz.max():
            line = ax.contour(xx1, xx2, zz, levels=[0.5], colors="k", linewidths=1.5)
            line.set_gid("decision_boundary")
    else:
        from matplotlib.colors import ListedColormap

        cmap = ListedColormap([CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(n_classes)])
        levels = np.arange(n_classes + 1) - 0.5
        fill = ax.contourf(xx1, xx2, zz, levels=levels, cmap=cmap, alpha=0.3)
        if zz.min() != zz.max():
            line = ax.contour(xx1, xx2, zz, levels=levels[1:-1], colors="k", linewidths=1.5)
            line.set_gid("decision_boundary")
    fill.set_gid("decision_fill")

    for k, label in enumerate(np.unique(y)):
        mask = y == label
        text = str(int(label)) if float(label).is_integer() else f"{label:g}"
        color_index = int(label) if float(label).is_integer() and 0 <= label < len(CLASS_COLORS) else k
        ax.scatter(
            X[mask, 0], X[mask, 1], s=40, color=CLASS_COLORS[color_index % len(CLASS_COLORS)],
            edgecolors="k", linewidths=0.8, label=f"class {text}", zorder=3,
        )
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_xlim(x1[0], x1[-1])
    ax.set_ylim(x2[0], x2[-1])
    ax.legend(loc="best", fontsize="small")
    if title is not None:
        ax.set_title(title)
    return ax


# --- training history -----------------------------------------------------------------------

def _history_dict(history) -> dict[str, np.ndarray]:
    func = "plot_history"
    raw = getattr(history, "history", history)
    if not isinstance(raw, Mapping):
        raise PlotInputError(
            _("{func}: expected the History returned by model.fit / fit_fast, or a dict of lists, "
              "got {type}.").format(func=func, type=type(history).__name__)
        )
    if not raw:
        raise PlotInputError(_("{func}: the history is empty; train the model (model.fit / fit_fast) before plotting.").format(
            func=func))
    out: dict[str, np.ndarray] = {}
    for key, values in raw.items():
        if not isinstance(key, str):
            raise PlotInputError(_("{func}: history keys must be metric names (str), got {key!r}.").format(
                func=func, key=key))
        arr = _numeric_array(values, f"history[{key!r}]", func)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim != 1:
            raise PlotInputError(_("{func}: history[{key!r}] must be a list with one number per epoch, got shape {shape}.").format(
                func=func, key=key, shape=arr.shape))
        out[key] = arr
    if all(len(v) == 0 for v in out.values()):
        raise PlotInputError(_("{func}: the history has no epochs ({keys} are empty); train for at least one epoch.").format(
            func=func, keys=", ".join(out)))
    return out


def _epochs_for(values: np.ndarray, n_train: int) -> np.ndarray:
    """Epoch numbers for a series; a shorter val_* series (validation_freq=k) lands on epochs k, 2k, …"""
    m = len(values)
    if 0 < m < n_train and n_train % m == 0:
        step = n_train // m
        return step * np.arange(1, m + 1)
    return np.arange(1, m + 1)


def plot_history(
    history,
    *,
    metrics: Sequence[str] | None = None,
    title: str | None = None,
    logy: bool = False,
) -> Figure:
    """Plot loss and metrics per epoch, one subplot each (lessons 02_03, 02_06, 02_07).

    ``history`` is the ``keras.callbacks.History`` returned by ``model.fit``/``fit_fast``
    or a dict of lists such as ``history.history``. ``metrics`` picks which ones (default:
    every key that does not start with ``val_``, loss first). When ``val_<name>`` exists it
    is drawn over ``<name>`` as the validation curve (검증 데이터 validation data).
    ``logy=True`` puts the loss subplot on a log scale.
    """
    func = "plot_history"
    data = _history_dict(history)
    available = [k for k in data if not k.startswith("val_")]
    # A history with only val_* keys still has something to show.
    available += [k[4:] for k in data if k.startswith("val_") and k[4:] not in data]
    if metrics is None:
        names = sorted(available, key=lambda k: (k != "loss", available.index(k)))
    else:
        if isinstance(metrics, str):
            metrics = [metrics]
        names = list(metrics)
        if not names:
            raise PlotInputError(_("{func}: metrics is empty; pass None for all of {available}.").format(
                func=func, available=available))
        unknown = [m for m in names if m not in available]
        if unknown:
            raise PlotInputError(_("{func}: unknown metric(s) {unknown}; the history has {available}.").format(
                func=func, unknown=unknown, available=available))

    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        train = data.get(name)
        val = data.get("val_" + name)
        n_train = len(train) if train is not None else (len(val) if val is not None else 0)
        notes = []
        for series, label, style in ((train, "training", "-"), (val, "validation", "--")):
            if series is None or len(series) == 0:
                continue
            ax.plot(_epochs_for(series, n_train), series, style, label=label)
            bad = np.flatnonzero(~np.isfinite(series))
            if bad.size:
                notes.append(f"{label}: NaN/inf from epoch {bad[0] + 1}")
        if logy and name == "loss":
            finite = np.concatenate([s[np.isfinite(s)] for s in (train, val) if s is not None])
            if finite.size and finite.min() <= 0:
                raise PlotInputError(
                    _("{func}: logy=True needs positive loss values, but the smallest is {smallest:.4g}; use logy=False.").format(
                        func=func, smallest=finite.min())
                )
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(name + (f"\n({'; '.join(notes)})" if notes else ""), fontsize="medium")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    if title is not None:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- regression predictions -----------------------------------------------------------------

def plot_predictions(y_true, y_pred, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Scatter predicted vs true values with the ideal line y = x; RMSE in the title (lesson 02_03).

    Points on the diagonal are perfect predictions. ``y_pred`` may be the (n, 1) output of
    ``model.predict``. The scatter has gid ``"predictions"``, the diagonal ``"diagonal"``.
    """
    func = "plot_predictions"
    t = _numeric_array(y_true, "y_true", func)
    p = _numeric_array(y_pred, "y_pred", func)
    t = t.reshape(-1) if t.ndim == 2 and t.shape[1] == 1 else t
    p = p.reshape(-1) if p.ndim == 2 and p.shape[1] == 1 else p
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.ndim != 1:
            raise PlotInputError(_("{func}: {name} must be one value per sample, shape (n,) or (n, 1); got {shape}.").format(
                func=func, name=name, shape=arr.shape))
        if len(arr) == 0:
            raise PlotInputError(_("{func}: {name} is empty.").format(func=func, name=name))
        if not np.all(np.isfinite(arr)):
            raise PlotInputError(
                (_("{func}: {name} contains NaN or infinite values (did training diverge?).") if name == "y_pred"
                 else _("{func}: {name} contains NaN or infinite values.")).format(func=func, name=name)
            )
    if len(t) != len(p):
        raise PlotInputError(_("{func}: y_true has {true} values but y_pred has {pred}; they must match.").format(
            func=func, true=len(t), pred=len(p)))

    rmse = float(np.sqrt(np.mean((p - t) ** 2)))
    ax = _new_axes(ax)
    ax.scatter(t, p, s=18, alpha=0.7, edgecolors="none", label="samples").set_gid("predictions")
    lo = float(min(t.min(), p.min()))
    hi = float(max(t.max(), p.max()))
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    lo, hi = lo - pad, hi + pad
    ax.plot([lo, hi], [lo, hi], "k--", linewidth=1, label="ideal (y = x)")[0].set_gid("diagonal")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("true value")
    ax.set_ylabel("predicted value")
    ax.set_title(f"{title or 'Predicted vs true'} (RMSE = {rmse:.4g})")
    ax.legend(fontsize="small", loc="upper left")
    return ax


# --- activation functions -------------------------------------------------------------------

def plot_activation_gallery(names: Sequence[str] | str | None = None) -> Figure:
    """One subplot per activation function (활성화 함수): f(x) and its derivative f'(x) (lesson 02_02).

    ``names`` picks from :data:`course_utils.lesson.activations.ACTIVATIONS` (default: all, in the
    slides' order sigmoid, tanh, relu, leaky_relu, elu).
    """
    func = "plot_activation_gallery"
    if names is None:
        names = list(ACTIVATIONS)
    elif isinstance(names, str):
        names = [names]
    else:
        names = list(names)
    if not names:
        raise PlotInputError(_("{func}: names is empty; pass None for all of {known}.").format(
            func=func, known=list(ACTIVATIONS)))
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown:
        raise PlotInputError(_("{func}: unknown activation(s) {unknown}; choose from {known}.").format(
            func=func, unknown=unknown, known=list(ACTIVATIONS)))

    ncols = min(3, len(names))
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.0 * ncols, 3.2 * nrows), squeeze=False)
    x = np.linspace(-5.0, 5.0, 1001)
    flat = axes.ravel()
    for ax, name in zip(flat, names):
        f, df = ACTIVATIONS[name]
        ax.plot(x, f(x), label="f(x)", linewidth=2)
        ax.plot(x, df(x), "--", label="f'(x)", linewidth=1.6)
        ax.axhline(0, color="0.6", linewidth=0.6)
        ax.axvline(0, color="0.6", linewidth=0.6)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small", loc="upper left")
    for ax in flat[len(names):]:
        fig.delaxes(ax)
    fig.tight_layout()
    return fig
