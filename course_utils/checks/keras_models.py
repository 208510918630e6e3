"""What a judge reads off a student's Keras model: its layers, loss and training steps
(exercises 02_08 and 02_09; usable by any exercise that judges a model).

Only what survives a ``.keras`` save and a safe-mode load is read: layers and their
configuration, the compiled loss and ``optimizer.iterations``. Nothing here imports Keras:
the functions use the Keras the notebook loaded.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["activation_name", "compiled_loss", "from_logits", "is_model", "layer_plan", "loss_name",
           "optimizer_steps"]


def _keras():
    return sys.modules.get("keras")


def is_model(value: Any) -> bool:
    """True for a Keras model (without importing Keras if the notebook did not)."""
    keras = _keras()
    return keras is not None and isinstance(value, keras.Model)


def activation_name(func: Any) -> str:
    """``"relu"`` for ``keras.activations.relu`` (the name of an activation function, lower case)."""
    name = getattr(func, "__name__", None) or type(func).__name__
    return str(name).lower()


def _layers(model: Any) -> list:
    """The layers of ``model`` in order, with nested models opened up."""
    out = []
    for layer in getattr(model, "layers", []):
        if is_model(layer):
            out.extend(_layers(layer))
        else:
            out.append(layer)
    return out


def layer_plan(model: Any) -> list[tuple[int, str]]:
    """``[(units, activation), ...]`` of a model's Dense layers, in order.

    A separate ``Activation(...)`` layer (or ``ReLU()``, ``LeakyReLU()``, ``ELU()``) right
    after a Dense layer without activation counts as that layer's activation; layers without
    weights (Dropout, …) are skipped."""
    keras = _keras()
    plan: list[list] = []
    separate = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu", "PReLU": "prelu", "Softmax": "softmax"}
    for layer in _layers(model):
        if isinstance(layer, keras.layers.Dense):
            plan.append([int(layer.units), activation_name(layer.activation)])
        elif plan and plan[-1][1] == "linear":
            if isinstance(layer, keras.layers.Activation):
                plan[-1][1] = activation_name(layer.activation)
            elif type(layer).__name__ in separate:
                plan[-1][1] = separate[type(layer).__name__]
    return [(units, act) for units, act in plan]


def optimizer_steps(model: Any) -> int:
    """How many steps the model's optimizer has taken (0 when not compiled or unknown)."""
    try:
        return int(model.optimizer.iterations.numpy())
    except Exception:  # noqa: BLE001 - not compiled, no optimizer, odd object
        return 0


def compiled_loss(model: Any) -> Any:
    """The loss the model was compiled with (a name, a function or a Loss object), or None."""
    if not getattr(model, "compiled", False):
        return None
    loss = getattr(model, "loss", None)
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        loss = loss[0]
    if isinstance(loss, dict) and len(loss) == 1:
        loss = next(iter(loss.values()))
    return loss


def loss_name(loss: Any) -> str:
    """A loss as one lower-case word without ``_``: ``"meanabsoluteerror"`` for ``"mean_absolute_error"``,
    ``MeanAbsoluteError()`` and ``keras.losses.mean_absolute_error``; ``"mae"`` stays ``"mae"``."""
    if loss is None:
        return ""
    if isinstance(loss, str):
        name = loss
    else:
        fn = getattr(loss, "fn", None)
        name = getattr(fn, "__name__", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return str(name).lower().replace("_", "")


def from_logits(model: Any) -> bool:
    """True when the model was compiled with a loss that takes logits (``from_logits=True``)."""
    loss = compiled_loss(model)
    if loss is None or isinstance(loss, str):
        return False
    try:
        return bool(loss.get_config().get("from_logits", False))
    except Exception:  # noqa: BLE001 - a plain function: it takes probabilities
        return False
