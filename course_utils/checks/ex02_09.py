"""Checks for exercise 02_09, non-linear regression (비선형 회귀) and the choice of the
activation function (활성화 함수) (lesson 02_09).

The exercise fits the curve y = x · sin(x) + noise (:func:`curve_data`, the same seeded data
as the exercise's data cell) with a 1-32-32-1 network and the L1 loss (mean absolute error,
평균 절대 오차), and compares activation functions the honest way: several runs (seeds) per
activation, the same training budget for every run, mean ± standard deviation.

Task 1  ``make_curve_model(activation)``: a builder returning a NEW compiled model
        ``keras.Input((1,))`` → ``Dense(32, activation)`` → ``Dense(32, activation)`` →
        ``Dense(1)`` (no activation), compiled with the MAE loss. Recorded on the activations
        :data:`TRIED` (no training).
Task 2  ``curve_models = {name: [trained model, …]}`` with at least :data:`MIN_RUNS` runs for each
        of at least two activations, and ``curve_mae = {name: [MAE of each run, …]}``. Each MAE is
        recomputed from its model; every run must have taken the same number of optimizer steps
        (equal budgets), the runs of one activation must differ (different seeds), and each must
        fit the curve (MAE below :data:`FIT_SHARE` of the constant guess's).
Task 3  ``curve_summary = {name: (mean, sd)}`` of each activation's MAEs, and ``best_activation``:
        the activation with the lowest mean if its interval mean ± sd lies entirely below every
        other activation's interval, else ``None`` (no winner at this number of runs).

Checks never train and never show the expected numbers. Nothing here imports TensorFlow at
import time.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from .core import Exercise, WrongAnswer
from .export import Recorded, Unsupported, calls
from .inputs import as_number, model_outputs
from .keras_models import compiled_loss, is_model, layer_plan, loss_name, optimizer_steps

__all__ = ["exercise", "task1", "task2", "task3", "CURVE", "HIDDEN_UNITS", "TRIED", "MIN_RUNS", "FIT_SHARE",
           "curve_data", "mae_of", "decision"]

exercise = Exercise("02_09")

#: Arguments of the exercise's data cell: seed, number of points, x range, noise std.
CURVE = {"seed": 9, "n": 300, "low": -6.0, "high": 6.0, "noise": 0.1}
#: Hidden layer sizes of ``make_curve_model``.
HIDDEN_UNITS = (32, 32)
#: Activations ``make_curve_model`` is recorded on (task 1).
TRIED = ("relu", "tanh", "elu")
#: Runs (seeds) per activation that a comparison needs (task 2).
MIN_RUNS = 5
#: Each run's MAE must be below this share of the best constant guess's MAE (about 1.97 on these
#: data): a run that has not learned the curve says nothing about its activation function.
FIT_SHARE = 0.5
#: A reported MAE may differ from the recomputed one by ATOL + RTOL · MAE (float32 sums).
RTOL, ATOL = 1e-3, 1e-4
#: Two runs whose outputs agree within this are the same run (the same seed).
SAME_RUN_ATOL = 1e-6

_MAE_NAMES = {"mae", "meanabsoluteerror", "l1", "l1loss"}


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
    _x, y = _curve()
    return float(np.mean(np.abs(y - np.median(y))))


def _outputs(model: Any, name: str) -> np.ndarray:
    x, _y = _curve()
    out = model_outputs(model, x, name=name)
    if out.shape not in ((len(x), 1), (len(x),)):
        raise WrongAnswer(_("`{name}` should give one number per point (output shape (n, 1)), yours gives shape "
                            "{shape}: end the model with Dense(1)").format(name=name, shape=tuple(out.shape)))
    return out.reshape(-1)


def mae_of(model: Any, name: str = "model") -> float:
    """Mean absolute error of ``model`` on the exercise's curve data (lesson 02_09)."""
    _x, y = _curve()
    return float(np.mean(np.abs(_outputs(model, name) - y[:, 0])))


def decision(summary: dict[str, tuple[float, float]]) -> str | None:
    """The activation whose interval mean ± sd lies entirely below every other one's, else None."""
    best = min(summary, key=lambda k: summary[k][0])
    top = summary[best][0] + summary[best][1]
    if all(top < mean - sd for name, (mean, sd) in summary.items() if name != best):
        return best
    return None


# --------------------------------------------------------------------------- task 1

def _kind(value: Any) -> str:
    return value.type_name if isinstance(value, Unsupported) else type(value).__name__


def _judge_architecture(model: Any, activation: str, where: str) -> None:
    """Raise WrongAnswer unless ``model`` is the 1-32-32-1 network with ``activation``."""
    if model is None:
        raise WrongAnswer(_("{where} is None — did you forget to `return` the model?").format(where=where))
    if not is_model(model):
        raise WrongAnswer(_("{where} should be a Keras model, yours is a {type}").format(where=where, type=_kind(model)))
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or tuple(inputs[0].shape)[1:] != (1,):
        raise WrongAnswer(_("{where} should start with keras.Input((1,)): one number x per row").format(where=where))
    plan = layer_plan(model)
    wanted = [units for units in HIDDEN_UNITS] + [1]
    if [units for units, _act in plan] != wanted:
        raise WrongAnswer(_("{where} is a {sizes} network; build 1-{wanted}-1: two hidden Dense layers of {units} "
                            "units, then Dense(1)").format(
                                where=where, sizes="-".join(["1"] + [str(u) for u, _act in plan]),
                                wanted="-".join(str(u) for u in HIDDEN_UNITS), units=HIDDEN_UNITS[0]))
    wrong_hidden = sorted({act for _units, act in plan[:-1] if act != activation})
    if wrong_hidden:
        raise WrongAnswer(_("the hidden layers of {where} use activation {found!r}, not {wanted!r}: pass the "
                            "`activation` argument to each hidden Dense layer").format(
                                where=where, found=wrong_hidden[0], wanted=activation))
    if plan[-1][1] != "linear":
        raise WrongAnswer(_("the output layer of {where} has activation {found!r}; a regression output needs none "
                            "(linear), because y can be any number, negative ones too").format(
                                where=where, found=plan[-1][1]))


def _tried() -> list[tuple[str]]:
    return [(activation,) for activation in TRIED]


@exercise.task("a model builder", names=("make_curve_model",), probes={"make_curve_model": calls(_tried)}, hints=(
    "Inside the function, build the network from its input to its output using the `activation` argument for "
    "the hidden layers only, compile it with the L1 loss, and return it; each call makes a new model.",
    "keras.Sequential with keras.Input((1,)), two Dense(32, activation=activation) layers and a Dense(1) without "
    "activation; compile with an optimizer (Adam with learning rate 0.02 works well) and loss='mae'.",
))
def task1(make_curve_model):
    if not isinstance(make_curve_model, Recorded):
        raise WrongAnswer(_("`make_curve_model` should be a function (`def make_curve_model(activation): ...`) that "
                            "builds and returns a model, yours is a {type}").format(type=_kind(make_curve_model)))
    for activation in TRIED:
        where = "`make_curve_model({activation!r})`".format(activation=activation)
        model = make_curve_model(activation)
        _judge_architecture(model, activation, where)
        if compiled_loss(model) is None or getattr(model, "optimizer", None) is None:
            raise WrongAnswer(_("{where} is not compiled: call model.compile(optimizer=..., loss='mae') before "
                                "returning it").format(where=where))
        if loss_name(compiled_loss(model)) not in _MAE_NAMES:
            raise WrongAnswer(_("{where} is compiled with another loss; the task uses the L1 loss, mean absolute "
                                "error: loss='mae'").format(where=where))


# --------------------------------------------------------------------------- task 2

def _as_dict(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise WrongAnswer(_("`{name}` should be a dictionary such as {{'relu': [...], 'tanh': [...]}}, yours is a "
                            "{type}").format(name=name, type=_kind(value)))
    return value


def _runs(curve_models: Any, curve_mae: Any) -> dict[str, list[float]]:
    """Every activation's recomputed MAEs, after checking task 2; raise WrongAnswer otherwise."""
    models, maes = _as_dict(curve_models, "curve_models"), _as_dict(curve_mae, "curve_mae")
    if not all(isinstance(k, str) for k in models):
        raise WrongAnswer(_("the keys of `curve_models` should be activation names (strings) such as 'relu'"))
    if len(models) < 2:
        raise WrongAnswer(_("`curve_models` holds {n} activation(s); compare at least two (e.g. 'relu' and "
                            "'tanh')").format(n=len(models)))
    if set(models) != set(maes):
        raise WrongAnswer(_("`curve_models` and `curve_mae` should have the same keys (one entry per activation)"))
    recomputed: dict[str, list[float]] = {}
    steps: dict[tuple[str, int], int] = {}
    for act, runs in models.items():
        if is_model(runs) or not isinstance(runs, (list, tuple)):
            raise WrongAnswer(_("`curve_models[{act!r}]` should be a list with the trained model of each run (at "
                                "least {n} runs), yours is a {type}").format(act=act, n=MIN_RUNS, type=_kind(runs)))
        reported = maes[act]
        if isinstance(reported, (pd.Series, np.ndarray)):
            reported = list(np.asarray(reported).reshape(-1))
        if not isinstance(reported, (list, tuple)):
            raise WrongAnswer(_("`curve_mae[{act!r}]` should be a list with the MAE of each run, yours is a "
                                "{type}").format(act=act, type=_kind(reported)))
        if len(runs) < MIN_RUNS:
            raise WrongAnswer(_("`curve_models[{act!r}]` holds {n} run(s); one run can be lucky or unlucky: train "
                                "at least {needed}, each with another seed").format(act=act, n=len(runs), needed=MIN_RUNS))
        if len(reported) != len(runs):
            raise WrongAnswer(_("`curve_mae[{act!r}]` holds {n} values for {m} models: one MAE per run, in the same "
                                "order").format(act=act, n=len(reported), m=len(runs)))
        outputs, values = [], []
        for i, model in enumerate(runs):
            where = "`curve_models[{act!r}][{i}]`".format(act=act, i=i)
            _judge_architecture(model, act, where)
            steps[(act, i)] = optimizer_steps(model)
            if steps[(act, i)] == 0:
                raise WrongAnswer(_("{where} has not been trained: its optimizer has taken no step").format(where=where))
            out = _outputs(model, "curve_models[{act!r}][{i}]".format(act=act, i=i))
            mae = float(np.mean(np.abs(out - _curve()[1][:, 0])))
            number = as_number(reported[i], "curve_mae[{act!r}][{i}]".format(act=act, i=i), what="an MAE")
            if abs(number - mae) > ATOL + RTOL * mae:
                raise WrongAnswer(_(
                    "`curve_mae[{act!r}][{i}]` is not the MAE of {where} on (x_curve, y_curve): compute it after "
                    "training, from the model's predictions (the last value of history['loss'] is measured during "
                    "the last epoch, before its final updates)").format(act=act, i=i, where=where))
            if mae >= FIT_SHARE * _constant_guess_mae():
                raise WrongAnswer(_(
                    "{where} has not learned the curve yet: its MAE is not even half as small as the best constant "
                    "guess's. Train every run longer (more epochs) or with a larger learning rate").format(where=where))
            outputs.append(out)
            values.append(mae)
        for i in range(len(outputs)):
            for j in range(i):
                if np.allclose(outputs[i], outputs[j], rtol=0, atol=SAME_RUN_ATOL):
                    raise WrongAnswer(_(
                        "runs {j} and {i} of {act!r} are the same run: set another seed before each run "
                        "(keras.utils.set_random_seed(seed)) and build a new model").format(i=i, j=j, act=act))
        recomputed[act] = values
    if len(set(steps.values())) > 1:
        raise WrongAnswer(_("your runs took different numbers of training steps ({low} to {high}): compared settings "
                            "need equal budgets, so train every run with the same epochs and batch size").format(
                                low=min(steps.values()), high=max(steps.values())))
    return recomputed


@exercise.task("several runs per activation", names=("curve_models", "curve_mae"), hints=(
    "One run is one draw: its result depends on the random starting weights. For each activation, train several "
    "runs, each with its own seed and a new model, all with the same number of epochs and batch size, and keep "
    "every trained model and its MAE.",
    "Loop over the activation names and, inside, over seeds 0 to 4: keras.utils.set_random_seed(seed), a model "
    "from make_curve_model, model.fit (or fit_fast) with the same epochs and batch_size every time, then the mean "
    "of |model(x_curve) - y_curve|. Append the model and its MAE to the lists of that activation.",
))
def task2(curve_models, curve_mae):
    _runs(curve_models, curve_mae)


# --------------------------------------------------------------------------- task 3

def _summary(curve_summary: Any, keys: set[str]) -> dict[str, tuple[float, float]]:
    value = curve_summary
    if isinstance(value, pd.DataFrame):                  # e.g. pd.DataFrame(curve_mae).agg(["mean", "std"])
        frame = value if {"mean"} <= set(map(str, value.index)) else value.T
        sd_row = next((r for r in ("std", "sd") if r in set(map(str, frame.index))), None)
        if "mean" not in set(map(str, frame.index)) or sd_row is None:
            raise WrongAnswer(_("`curve_summary` as a table needs rows (or columns) 'mean' and 'std'"))
        value = {str(col): (frame.loc["mean", col], frame.loc[sd_row, col]) for col in frame.columns}
    value = _as_dict(value, "curve_summary")
    if set(value) != keys:
        raise WrongAnswer(_("`curve_summary` should have the same keys as `curve_mae` (one (mean, sd) pair per "
                            "activation)"))
    out = {}
    for act, pair in value.items():
        name = "curve_summary[{act!r}]".format(act=act)
        if isinstance(pair, dict):
            pair = (pair.get("mean"), pair.get("sd", pair.get("std")))
        if isinstance(pair, (np.ndarray, pd.Series)):
            pair = list(np.asarray(pair).reshape(-1))
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise WrongAnswer(_("`{name}` should be a pair (mean, sd) of that activation's MAEs").format(name=name))
        out[act] = (as_number(pair[0], name + "[0]", what="the mean"), as_number(pair[1], name + "[1]", what="the sd"))
    return out


@exercise.task("mean ± sd, then a verdict", names=("curve_summary", "best_activation", "curve_models", "curve_mae"),
               optional=("best_activation",), hints=(
    "Summarize each activation's runs by their mean MAE and their standard deviation. A lower mean alone proves "
    "nothing when the runs scatter: call an activation better only when its whole interval mean ± sd lies below "
    "every other activation's interval, and otherwise answer that there is no winner.",
    "np.mean(values) and np.std(values, ddof=1) for each list in curve_mae. The candidate is the activation with "
    "the lowest mean; it wins only if mean + sd of it is below mean - sd of each other one. best_activation is its "
    "name, or None (the Python value, no quotes) when the intervals overlap.",
))
def task3(curve_summary, best_activation, curve_models, curve_mae):
    try:
        runs = _runs(curve_models, curve_mae)
    except WrongAnswer as exc:
        raise WrongAnswer(_("task 2 is not right yet: {why}").format(why=exc)) from None
    summary = _summary(curve_summary, set(runs))
    ddofs = set()
    for act, (mean, sd) in summary.items():
        values = np.asarray(runs[act])
        if abs(mean - values.mean()) > ATOL + RTOL * abs(values.mean()):
            raise WrongAnswer(_("the first number of `curve_summary[{act!r}]` is not the mean of the MAEs in "
                                "`curve_mae[{act!r}]`").format(act=act))
        matches = {d for d in (1, 0) if abs(sd - values.std(ddof=d)) <= ATOL + RTOL * values.std(ddof=d)}
        if not matches:
            variance = any(abs(sd - values.var(ddof=d)) <= ATOL + RTOL * values.var(ddof=d) for d in (0, 1))
            raise WrongAnswer(_("the second number of `curve_summary[{act!r}]` is not the standard deviation of "
                                "`curve_mae[{act!r}]`{extra}").format(
                                    act=act, extra=_(" (it is the variance: take its square root)") if variance else ""))
        ddofs |= matches
    allowed = set()
    for d in ddofs:
        allowed.add(decision({act: (np.mean(v), np.std(v, ddof=d)) for act, v in runs.items()}))
    if best_activation is not None and not isinstance(best_activation, str):
        raise WrongAnswer(_("`best_activation` should be an activation name (a string such as 'relu') or None, yours "
                            "is a {type}").format(type=_kind(best_activation)))
    if best_activation in allowed:
        return
    if isinstance(best_activation, str) and best_activation.strip().lower() in {"none", "tie", "no winner", ""}:
        raise WrongAnswer(_("to say 'no winner', set best_activation = None (the Python value, without quotes)"))
    if best_activation is not None and best_activation not in runs:
        raise WrongAnswer(_("`best_activation` should be one of the keys of `curve_mae` ({keys}) or None").format(
            keys=", ".join(repr(k) for k in sorted(runs))))
    lowest = min(summary, key=lambda k: summary[k][0])
    if best_activation is not None and best_activation != lowest:
        raise WrongAnswer(_("{act!r} does not have the lowest mean MAE in `curve_summary`: lower is better").format(
            act=best_activation))
    raise WrongAnswer(_("`best_activation` does not follow the rule: an activation is better only when its interval "
                        "mean ± sd lies entirely below every other activation's interval; if the intervals overlap, "
                        "the answer is None. Compare the intervals again"))
