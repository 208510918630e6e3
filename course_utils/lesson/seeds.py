"""Several training runs at once, to see how much a result depends on the seed (lessons 02_06–02_09).

One training run starts from random weights (and, with mini-batches, a random row order), so
its result is one draw. Before saying one setting beats another, the course compares several
runs of each (mean ± sd over at least 5). Training them one by one pays a training loop's set-up
each time; these helpers train the copies side by side in ONE Keras model whose loss is the sum
of the copies' losses, so each copy gets exactly the gradient of its own loss.

Two ways in, for two kinds of lesson code:

* :func:`side_by_side` + :func:`summed_loss` (02_08, 02_09) keep the student's own Keras calls:
  build the joined model, compile it, train it with ``fit_fast`` or ``model.fit``; every copy
  sees the same batches::

      keras.utils.set_random_seed(0)
      model, nets = side_by_side(make_net, copies=5)
      model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=summed_loss("mae"))
      fit_fast(model, x, y, epochs=2000)
      outputs = [net(x) for net in nets]

* :func:`fit_seeds` (02_06, 02_07) is one call that gives each copy the starting weights of
  ``keras.utils.set_random_seed(seed)`` and its own row order, and returns each copy's history::

      runs = fit_seeds(build_model, X_train, y_train, seeds=range(5), epochs=300,
                       batch_size=100, validation_data=(X_val, y_val))
      for run in runs:
          print(run.seed, run.history["val_loss"][-1])      # run.model is the trained copy

Full batch: each copy ends where it would alone (up to float rounding). Bad input raises
:class:`~course_utils.errors.TrainingError` saying what to change.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import TrainingError
from .notebook_setup import import_tensorflow_quietly

tf, keras = import_tensorflow_quietly()

__all__ = ["SeedRun", "fit_seeds", "side_by_side", "summed_loss"]


# --------------------------------------------------------------------------- side_by_side, summed_loss


def side_by_side(make_net: Callable[[], "keras.Model"], copies: int = 5):
    """``(model, nets)``: ``copies`` new networks from ``make_net()`` and one model running them
    side by side (output column ``i`` = ``nets[i]``); see the module docstring (lesson 02_08).

    ``make_net`` takes no argument and returns a new Keras model that starts with
    ``keras.Input(...)`` and has one output unit. Compile ``model`` with :func:`summed_loss`.
    """
    if isinstance(copies, bool) or not isinstance(copies, numbers.Integral) or copies < 2:
        raise TrainingError(f"copies must be a whole number >= 2 (the number of runs), not {copies!r}.")
    if not callable(make_net) or isinstance(make_net, keras.Model):
        raise TrainingError(
            "side_by_side needs a function that builds a NEW network each time it is called, e.g. "
            f"def make_net(): return keras.Sequential([...]); got a {type(make_net).__name__}."
        )
    nets = [make_net() for _ in range(int(copies))]
    for i, net in enumerate(nets):
        if not isinstance(net, keras.Model):
            raise TrainingError(f"make_net() should return a Keras model, call {i + 1} returned a "
                                f"{type(net).__name__}.")
        if any(net is other for other in nets[:i]):
            raise TrainingError("make_net() returned the same model twice: build a NEW model inside it on "
                                "every call, so that each copy has its own weights.")
        try:
            inputs, outputs = net.inputs, net.outputs
        except (AttributeError, ValueError):
            inputs = outputs = None
        if not inputs or len(inputs) != 1 or not outputs or len(outputs) != 1:
            raise TrainingError("make_net() should return a model with one input and one output that starts "
                                "with keras.Input(...), e.g. keras.Sequential([keras.Input((1,)), ...]).")
        if tuple(outputs[0].shape)[1:] != (1,):
            raise TrainingError(f"make_net() should return a model with one output unit (shape (None, 1)), "
                                f"got output shape {tuple(outputs[0].shape)}.")
    shape = tuple(nets[0].inputs[0].shape)[1:]
    if any(tuple(net.inputs[0].shape)[1:] != shape for net in nets):
        raise TrainingError("make_net() returned models with different input shapes; every copy must take "
                            "the same input.")
    inputs = keras.Input(shape)
    outputs = keras.layers.Concatenate(name="side_by_side")([net(inputs) for net in nets])
    return keras.Model(inputs, outputs, name=f"{len(nets)}_nets_side_by_side"), nets


def summed_loss(loss: str | Callable = "mae") -> Callable:
    """A loss for a :func:`side_by_side` model: ``loss`` of each output column against the same
    targets, added up over the columns (lesson 02_08).

    ``loss`` is a Keras loss name (``"mae"``, ``"mse"``, ``"binary_crossentropy"``) or a
    per-sample loss function such as ``keras.losses.mean_absolute_error``.
    """
    if isinstance(loss, keras.losses.Loss):
        raise TrainingError("summed_loss takes a loss name such as 'mae' or 'binary_crossentropy' (or a "
                            f"loss function), not a {type(loss).__name__} object.")
    try:
        base = keras.losses.get(loss)
    except (ValueError, TypeError):
        base = None
    if base is None or not callable(base):
        raise TrainingError(f"summed_loss: unknown loss {loss!r}; use a Keras loss name such as 'mae', "
                            "'mse' or 'binary_crossentropy'.")

    def per_copy_sum(y_true, y_pred):
        y_pred = keras.ops.convert_to_tensor(y_pred)
        y_true = keras.ops.cast(keras.ops.convert_to_tensor(y_true), y_pred.dtype)
        if len(y_true.shape) == 1:
            y_true = keras.ops.expand_dims(y_true, -1)
        y_true = keras.ops.broadcast_to(y_true, keras.ops.shape(y_pred))
        per_element = base(keras.ops.expand_dims(y_true, -1), keras.ops.expand_dims(y_pred, -1))
        return keras.ops.sum(per_element, axis=-1)

    per_copy_sum.__name__ = f"summed_{getattr(base, '__name__', 'loss')}"
    return per_copy_sum


# --------------------------------------------------------------------------- fit_seeds
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
