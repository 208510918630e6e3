"""``fit_seeds``: the same network trained from several seeds at once, to see the spread (lessons 02_06, 02_07).

One training run of a network is one draw: its starting weights and the order of its rows
depend on a seed. Before saying one setting beats another, the course trains each setting with
several seeds and compares the spread (mean ± sd). ``fit_seeds`` does those runs in one go::

    runs = fit_seeds(build_model, X_train, y_train, seeds=range(5), epochs=300,
                     batch_size=100, validation_data=(X_val, y_val))
    for run in runs:
        print(run.seed, run.history["val_loss"][-1])      # run.model is the trained copy

``build_model()`` must return a compiled Keras model with one input and one output unit.
For every seed, ``keras.utils.set_random_seed(seed)`` runs first, so each copy starts from
exactly the weights a separate run with that seed would get. The copies are then joined into
one model whose loss is the sum of their losses: each copy's gradient is the gradient of its
own loss, so each takes the optimizer steps it would take alone (any optimizer that updates
each weight from its own gradient: SGD, Adam, AdamW; not global gradient clipping). The joined
model trains with :func:`~course_utils.lesson.training.fit_fast` in one compiled loop, which
on the course machines takes about half the time of separate runs.

* Full batch (``batch_size=None``): each copy ends exactly where ``fit_fast(copy, x, y, ...)``
  alone ends (up to float rounding).
* Mini-batches: each copy sees the rows in its own random order (a fixed permutation per
  copy composed with a new shared shuffle every epoch), the same kind of SGD as separate
  runs, not the very same batches.

``history`` holds ``loss`` (and ``val_loss``) per epoch, the values ``fit`` would log for that
copy. Bad input raises :class:`~course_utils.errors.TrainingError` saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import TrainingError
from .notebook_setup import import_tensorflow_quietly

tf, keras = import_tensorflow_quietly()

__all__ = ["SeedRun", "fit_seeds"]


@dataclass
class SeedRun:
    """One copy trained by :func:`fit_seeds`: its ``seed``, the trained ``model`` and its
    ``history`` (``{"loss": [...], "val_loss": [...]}``, one value per epoch)."""

    seed: int
    model: Any
    history: dict


class _Columns(keras.layers.Layer):
    """The ``index``-th block of ``width`` input columns (each copy reads its own rows)."""

    def __init__(self, index: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.index, self.width = index, width

    def call(self, x):
        return x[:, self.index * self.width:(self.index + 1) * self.width]


def _per_sample(loss) -> Callable:
    """The per-row loss function of a compiled loss (a name, a function or a Loss object)."""
    if isinstance(loss, keras.losses.Loss):
        return loss.call
    try:
        function = keras.losses.get(loss)
    except (ValueError, TypeError):
        function = None
    if function is None or isinstance(function, keras.losses.Loss):
        return _per_sample(function) if function is not None else _unsupported_loss(loss)
    return function


def _unsupported_loss(loss):
    raise TrainingError(f"fit_seeds cannot use the loss {loss!r}: compile build_model's model with one loss such "
                        "as 'mse', 'mae' or keras.losses.Huber().")


def _build_copies(build_model: Callable, seeds: list[int]) -> list:
    models = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        model = build_model()
        if not isinstance(model, keras.Model) or getattr(model, "optimizer", None) is None \
                or getattr(model, "loss", None) is None:
            raise TrainingError("build_model() must return a compiled Keras model (build it, then "
                                "model.compile(optimizer=..., loss=...), then return it).")
        if len(model.inputs) != 1 or tuple(model.outputs[0].shape[1:]) != (1,) or len(model.outputs) != 1:
            raise TrainingError("fit_seeds trains models with one input and one output unit (a regression "
                                f"net ending in Dense(1)); build_model() returned outputs "
                                f"{[tuple(o.shape) for o in model.outputs]}.")
        models.append(model)
    first = models[0].optimizer.get_config()
    if first.get("clipnorm") is not None or first.get("global_clipnorm") is not None:
        raise TrainingError("fit_seeds cannot train with gradient clipping by norm (it would couple the copies); "
                            "compile without clipnorm/global_clipnorm.")
    return models


def fit_seeds(
    build_model: Callable[[], Any],
    x,
    y,
    *,
    seeds: Iterable[int] = range(5),
    epochs: int,
    batch_size: int | None = None,
    validation_data=None,
    order_seed: int = 0,
    progress="none",
) -> list[SeedRun]:
    """Train one copy of ``build_model()`` per seed, side by side (lessons 02_06, 02_07).

    Args:
        build_model: called once per seed, after ``keras.utils.set_random_seed(seed)``; returns a
            compiled Keras model with one input and one output unit.
        x, y: training inputs and targets (NumPy or pandas), as for ``fit_fast``.
        seeds: the seeds, at least 2 (the course compares 5).
        epochs, batch_size, validation_data, progress: as for ``fit_fast``.
        order_seed: seed of the row orders (mini-batches only).

    Returns:
        a list of :class:`SeedRun` (seed, trained model, history dict), in the order of ``seeds``.
    """
    from .training import _as_array, fit_fast

    seeds = [int(s) for s in seeds]
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise TrainingError(f"seeds should be at least two different whole numbers, e.g. range(5), not {seeds!r}.")
    x = _as_array(x, "x")
    y = _as_array(y, "y").reshape(len(y), -1)
    if len(x) != len(y) or y.shape[1] != 1:
        raise TrainingError(f"x has {len(x)} rows and y has shape {y.shape}: pass one target per row.")
    models = _build_copies(build_model, seeds)
    k, n, width = len(models), len(x), int(np.prod(x.shape[1:]))
    x = x.reshape(n, width)
    mini_batches = batch_size is not None and batch_size < n
    rng = np.random.default_rng(order_seed)
    orders = [rng.permutation(n) if mini_batches else np.arange(n) for _ in models]
    x_all = np.concatenate([x[order] for order in orders], axis=1)
    y_all = np.concatenate([y[order] for order in orders], axis=1)
    validation = None
    if validation_data is not None:
        x_val, y_val = (_as_array(v, name) for v, name in zip(validation_data, ("x_val", "y_val")))
        x_val = x_val.reshape(len(x_val), width)
        validation = (np.tile(x_val, (1, k)), np.tile(y_val.reshape(len(y_val), 1), (1, k)))

    per_sample = _per_sample(models[0].loss)

    def copy_loss(index: int):
        def loss(y_true, y_pred):
            return per_sample(y_true[:, index:index + 1], y_pred[:, index:index + 1])
        loss.__name__ = f"loss_seed{seeds[index]}"
        return loss

    def total_loss(y_true, y_pred):
        return sum(per_sample(y_true[:, i:i + 1], y_pred[:, i:i + 1]) for i in range(k))

    inputs = keras.Input((k * width,))
    outputs = [model(_Columns(i, width)(inputs)) for i, model in enumerate(models)]
    joined = keras.Model(inputs, keras.layers.Concatenate()(outputs), name="seed_copies")
    optimizer = type(models[0].optimizer).from_config(models[0].optimizer.get_config())
    joined.compile(optimizer=optimizer, loss=total_loss,
                   metrics=[keras.metrics.MeanMetricWrapper(copy_loss(i), name=f"loss_seed{s}")
                            for i, s in enumerate(seeds)])
    logs = fit_fast(joined, x_all, y_all, epochs=epochs, batch_size=batch_size, validation_data=validation,
                    shuffle=True, seed=order_seed, progress=progress).history
    runs = []
    for model, seed in zip(models, seeds):
        history = {"loss": [float(v) for v in logs[f"loss_seed{seed}"]]}
        if validation is not None:
            history["val_loss"] = [float(v) for v in logs[f"val_loss_seed{seed}"]]
        runs.append(SeedRun(seed, model, history))
    return runs
