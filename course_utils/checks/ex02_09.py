"""Checks for exercise 02_09, non-linear regression (비선형 회귀) and the choice of the
activation function (활성화 함수) (lesson 02_09).

The exercise fits the curve y = x · sin(x) + noise (:func:`curve_data`, the same seeded data
as the exercise's data cell) with a 1-32-32-1 network and the L1 loss (mean absolute error).

Task 1  ``make_curve_model(activation)``: a builder returning a NEW compiled model
        ``keras.Input((1,))`` → ``Dense(32, activation)`` → ``Dense(32, activation)`` →
        ``Dense(1)`` (no activation), compiled with ``loss="mae"``. Checked for two
        activations, untrained.
Task 2  ``curve_models = {name: trained model}`` for at least two activations and
        ``activation_mae = {name: MAE of that model on (x_curve, y_curve)}``: each MAE is
        recomputed from the stored model (tolerance :data:`RTOL`, :data:`ATOL`).
Task 3  ``best_activation``: the name with the lowest MAE, and that model's MAE below
        :data:`MAX_MAE`.

Why :data:`MAX_MAE` = 0.2: a constant guess (the median of y) has MAE ≈ 1.97 on these data
and the noise alone gives ≈ 0.08 (σ·√(2/π) with σ = 0.1), which no model can beat on
average. 0.2 is ten times better than the constant guess and within 2.5× of the noise floor;
the solution's tanh network reaches about 0.1 in 500 full-batch Adam steps.

Checks never train and never show the expected numbers. Nothing here imports TensorFlow at
import time.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import numpy as np

from .core import Exercise, WrongAnswer, transitional_judge
from .inputs import as_array, model_outputs
from .export import live

__all__ = ["exercise", "task1", "task2", "task3", "CURVE", "HIDDEN_UNITS", "MAX_MAE", "RTOL", "ATOL", "curve_data", "layer_plan", "mae_of"]

exercise = Exercise("02_09")

#: Arguments of the exercise's data cell: seed, number of points, x range, noise std.
CURVE = {"seed": 9, "n": 300, "low": -6.0, "high": 6.0, "noise": 0.1}
#: Hidden layer sizes of ``make_curve_model``.
HIDDEN_UNITS = (32, 32)
#: The best model's MAE must be below this (see the module docstring).
MAX_MAE = 0.2
#: A reported MAE may differ from the recomputed one by ATOL + RTOL * MAE (float32 sums).
RTOL = 1e-3
ATOL = 1e-4
#: Task 2 calls a model untrained when its optimizer has taken no step and its MAE is at least
#: this share of the constant guess's (untrained 1-32-32-1 nets score 0.8-1.1 times it).
UNTRAINED_SHARE = 0.75
#: Activations tried by the task 1 check.
TRIED = ("relu", "tanh")

_LOSS_NAMES = {"mae", "mean_absolute_error", "meanabsoluteerror"}


# --------------------------------------------------------------------------- data

@functools.lru_cache(maxsize=1)
def _curve() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(CURVE["seed"])
    x = rng.uniform(CURVE["low"], CURVE["high"], size=(CURVE["n"], 1)).astype("float32")
    y = (x * np.sin(x) + rng.normal(0, CURVE["noise"], size=(CURVE["n"], 1))).astype("float32")
    return x, y


def curve_data() -> tuple[np.ndarray, np.ndarray]:
    """The exercise's data ``(x_curve, y_curve)``, both of shape (300, 1) (copies; 02_09)."""
    x, y = _curve()
    return x.copy(), y.copy()


@functools.lru_cache(maxsize=1)
def _constant_guess_mae() -> float:
    _, y = _curve()
    return float(np.mean(np.abs(y - np.median(y))))


# --------------------------------------------------------------------------- model helpers

def _keras():
    return sys.modules.get("keras")


def _is_model(value: Any) -> bool:
    keras = _keras()
    return keras is not None and isinstance(value, keras.Model)


def _activation_name(func: Any) -> str:
    name = getattr(func, "__name__", None) or type(func).__name__
    return str(name).lower()


def layer_plan(model: Any) -> list[tuple[int, str]]:
    """``[(units, activation), ...]`` of a model's Dense layers, in order (lesson 02_09).

    A separate ``Activation(...)`` or ``ReLU()`` layer right after a Dense layer without
    activation counts as that layer's activation; other layers (e.g. Dropout) are skipped."""
    keras = _keras()
    plan: list[list] = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.layers.Dense):
            plan.append([int(layer.units), _activation_name(layer.activation)])
        elif plan and plan[-1][1] == "linear":
            if isinstance(layer, keras.layers.Activation):
                plan[-1][1] = _activation_name(layer.activation)
            elif isinstance(layer, keras.layers.ReLU):
                plan[-1][1] = "relu"
    return [(units, act) for units, act in plan]


def _optimizer_steps(model: Any) -> int:
    """How many steps the model's optimizer has taken (0 when not compiled or unknown)."""
    try:
        return int(model.optimizer.iterations.numpy())
    except Exception:
        return 0


def _is_mae_loss(loss: Any) -> bool:
    if isinstance(loss, str):
        return loss.lower() in _LOSS_NAMES
    if type(loss).__name__.lower() in _LOSS_NAMES:
        return True
    fn = getattr(loss, "fn", loss)
    return getattr(fn, "__name__", "").lower() in _LOSS_NAMES


def mae_of(model: Any, name: str = "model") -> float:
    """Mean absolute error of ``model`` on the exercise's curve data (lesson 02_09)."""
    x, y = _curve()
    out = model_outputs(model, x, name=name)
    if out.shape not in ((len(x), 1), (len(x),)):
        raise WrongAnswer(f"`{name}` should give one number per point (output shape (n, 1)), yours gives "
                          f"shape {tuple(out.shape)}: end the model with Dense(1)")
    return float(np.mean(np.abs(out.reshape(-1) - y[:, 0])))


def _expected_plan(activation: str) -> list[tuple[int, str]]:
    return [(units, activation) for units in HIDDEN_UNITS] + [(1, "linear")]


def _judge_architecture(model: Any, activation: str, where: str) -> None:
    """Raise WrongAnswer unless ``model`` is the 1-32-32-1 network with ``activation``."""
    if model is None:
        raise WrongAnswer(f"{where} is None — did you forget to `return` the model?")
    if not _is_model(model):
        raise WrongAnswer(f"{where} should be a Keras model, yours is a {type(model).__name__}")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or tuple(inputs[0].shape)[1:] != (1,):
        raise WrongAnswer(f"{where} should start with keras.Input((1,)): one number x per row")
    plan = layer_plan(model)
    wanted = _expected_plan(activation)
    hidden = plan[:-1]
    if [units for units, _ in plan] != [units for units, _ in wanted]:
        sizes = "-".join(["1"] + [str(u) for u, _ in plan])
        raise WrongAnswer(f"{where} is a {sizes} network; build 1-"
                          + "-".join(str(u) for u in HIDDEN_UNITS) + "-1: two hidden Dense layers of "
                          f"{HIDDEN_UNITS[0]} units, then Dense(1)")
    wrong_hidden = sorted({act for _, act in hidden if act != activation})
    if wrong_hidden:
        raise WrongAnswer(f"the hidden layers of {where} use activation {wrong_hidden[0]!r}, not "
                          f"{activation!r}: pass the `activation` argument to each hidden Dense layer")
    if plan[-1][1] != "linear":
        raise WrongAnswer(f"the output layer of {where} has activation {plan[-1][1]!r}; a regression output "
                          f"needs none (linear), because y can be any number, negative ones too")


# --------------------------------------------------------------------------- task 1

def _judge_task1(make_curve_model: Any) -> str | None:
    if make_curve_model is None:
        raise WrongAnswer("`make_curve_model` is None — define it with `def make_curve_model(activation): ...`")
    if isinstance(make_curve_model, type) or not callable(make_curve_model) or _is_model(make_curve_model):
        raise WrongAnswer(f"`make_curve_model` should be a function (`def make_curve_model(activation): ...`) "
                          f"that builds and returns a model, yours is a {type(make_curve_model).__name__}")
    built = []
    for activation in TRIED:
        call = f"make_curve_model({activation!r})"
        try:
            model = make_curve_model(activation)
        except NotImplementedError:
            raise
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [""])[0][:160]
            raise WrongAnswer(f"calling `{call}` failed: {type(exc).__name__}: {first}") from None
        if any(model is other for other in built):
            raise WrongAnswer("`make_curve_model` returns the same model object every time; build a NEW "
                              "model inside the function on every call")
        built.append(model)
        _judge_architecture(model, activation, f"`{call}`")
        if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
            return f"`{call}` is not compiled: call model.compile(optimizer=..., loss='mae') before returning it"
        if not _is_mae_loss(getattr(model, "loss", None)):
            return (f"`{call}` is compiled with another loss; the task uses the L1 loss, "
                    f"mean absolute error: loss='mae'")
    return None


# --------------------------------------------------------------------------- tasks 2 and 3

def _maes(curve_models: Any, activation_mae: Any) -> dict[str, float]:
    """Recompute every stored model's MAE after checking both dictionaries; raise WrongAnswer."""
    for name, value in (("curve_models", curve_models), ("activation_mae", activation_mae)):
        if value is None:
            raise WrongAnswer(f"`{name}` is None — did you forget to assign it?")
        if not isinstance(value, dict):
            raise WrongAnswer(f"`{name}` should be a dictionary such as {{'relu': ..., 'tanh': ...}}, "
                              f"yours is a {type(value).__name__}")
    if len(curve_models) < 2:
        raise WrongAnswer(f"`curve_models` holds {len(curve_models)} model(s); train at least two, each "
                          f"with another activation (e.g. 'relu' and 'tanh'), to compare them")
    bad_keys = [k for k in curve_models if not isinstance(k, str)]
    if bad_keys:
        raise WrongAnswer("the keys of `curve_models` should be activation names (strings) such as 'relu'")
    if set(curve_models) != set(activation_mae):
        missing = sorted(set(curve_models) - set(activation_mae), key=str)
        extra = sorted(set(activation_mae) - set(curve_models), key=str)
        parts = ([f"no MAE for {missing}"] if missing else []) + ([f"no model for {extra}"] if extra else [])
        raise WrongAnswer("`curve_models` and `activation_mae` should have the same keys: " + "; ".join(parts))
    maes = {}
    for name, model in curve_models.items():
        where = f"`curve_models[{name!r}]`"
        _judge_architecture(model, name, where)
        mae = mae_of(model, f"curve_models[{name!r}]")
        if _optimizer_steps(model) == 0 and mae >= UNTRAINED_SHARE * _constant_guess_mae():
            raise WrongAnswer(f"{where} has not been trained: its optimizer has taken no step and it fits "
                              f"hardly better than a constant guess. Call fit_fast(model, x_curve, y_curve, "
                              f"epochs=...) before you store it")
        maes[name] = mae
    return maes


def _judge_task2(curve_models: Any, activation_mae: Any) -> str | None:
    maes = _maes(curve_models, activation_mae)
    for name, mae in maes.items():
        reported = float(as_array(activation_mae[name], shape=(), name=f"activation_mae[{name!r}]"))
        if abs(reported - mae) > ATOL + RTOL * mae:
            return (f"`activation_mae[{name!r}]` is not the MAE of `curve_models[{name!r}]` on (x_curve, y_curve): "
                    f"compute it after training, e.g. model.evaluate(x_curve, y_curve, verbose=0) "
                    f"(the last value of history['loss'] is measured during the last epoch, before its "
                    f"final update)")
    return None


def _judge_task3(best_activation: Any, curve_models: Any, activation_mae: Any) -> str | None:
    try:
        verdict = _judge_task2(curve_models, activation_mae)
    except WrongAnswer as exc:
        verdict = str(exc)
    if verdict is not None:
        return f"task 2 is not right yet: {verdict}"
    if best_activation is None:
        raise WrongAnswer("`best_activation` is None — did you forget to assign it?")
    if not isinstance(best_activation, str):
        raise WrongAnswer(f"`best_activation` should be a name (a string such as 'relu'), yours is a "
                          f"{type(best_activation).__name__}")
    if best_activation not in curve_models:
        return f"`best_activation` should be one of the keys of `curve_models` ({sorted(curve_models)})"
    maes = {name: mae_of(model, f"curve_models[{name!r}]") for name, model in curve_models.items()}
    if maes[best_activation] > min(maes.values()) + ATOL:
        return ("`best_activation` is not the activation with the lowest MAE: compare the values in "
                "`activation_mae` (lower is better)")
    if maes[best_activation] >= MAX_MAE:
        return (f"your best model has MAE {maes[best_activation]:.3f}; it should be below {MAX_MAE}. "
                f"Train longer (more epochs), try a larger learning rate, or another activation")
    return None


@exercise.task("a model builder", names=("make_curve_model",), probes={"make_curve_model": live},
               hints=("Inside the function: model = keras.Sequential([keras.Input((1,)), Dense(32, activation=activation), "
         "Dense(32, activation=activation), Dense(1)]); model.compile(optimizer=keras.optimizers.Adam("
         "learning_rate=0.01), loss='mae'); return model.",))
def task1(make_curve_model):
    transitional_judge(_judge_task1, make_curve_model=make_curve_model)


@exercise.task("train and compare activations", names=("curve_models", "activation_mae"),
               hints=("for name in ['relu', 'tanh']: model = make_curve_model(name); fit_fast(model, x_curve, y_curve, "
         "epochs=500); curve_models[name] = model; activation_mae[name] = model.evaluate(x_curve, y_curve, verbose=0).",))
def task2(curve_models, activation_mae):
    transitional_judge(_judge_task2, curve_models=curve_models, activation_mae=activation_mae)


@exercise.task("the best activation", names=("best_activation", "curve_models", "activation_mae"),
               hints=("min(activation_mae, key=activation_mae.get) gives the key with the smallest value. If even the best "
         f"MAE is not below {MAX_MAE}, train for more epochs.",))
def task3(best_activation, curve_models, activation_mae):
    transitional_judge(_judge_task3, best_activation=best_activation, curve_models=curve_models, activation_mae=activation_mae)

