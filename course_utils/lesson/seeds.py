"""Several training runs at once, to see how much a result depends on the seed (lesson 02_08).

One training run starts from random weights, so its result is one draw among many. Before
saying that one setting is better than another, the course compares several runs of each
(mean ± standard deviation over at least 5). Training them one by one costs the set-up of a
training loop each time; these two helpers train them together instead::

    keras.utils.set_random_seed(0)
    model, nets = side_by_side(make_net, copies=5)      # five fresh copies, side by side
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=summed_loss("mae"))
    fit_fast(model, x, y, epochs=2000)                   # or model.fit(...): y as for one net
    outputs = [net(x) for net in nets]                   # each copy is a trained model

``model`` feeds the same input to every copy and puts their outputs side by side (column
``i`` is copy ``i``). The copies share no weight and ``summed_loss`` adds up their losses, so
each copy's weights get exactly the gradient of its own loss: training ``model`` is the same
as training each net alone from its own starting weights (same optimizer settings, the same
batches). Copy 0 starts from the weights a single ``make_net()`` would get right after the
seed, so it repeats the single run; the others are further random initializations.
"""

from __future__ import annotations

import numbers
from typing import Callable

from ..errors import TrainingError
from .notebook_setup import import_tensorflow_quietly

tf, keras = import_tensorflow_quietly()

__all__ = ["side_by_side", "summed_loss"]


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
