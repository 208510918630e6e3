"""``fit_fast``: train like ``model.fit`` (the same optimizer steps) without its per-epoch overhead (lesson 02_01).

    history = fit_fast(model, X, y, epochs=2000, batch_size=4)         # the slides' XOR: about 1 s
    history = fit_fast(model, X_train, y_train, epochs=300, batch_size=32,
                       validation_data=(X_val, y_val), seed=0)

The same as ``model.fit``: every step is the model's own ``train_step`` (loss, gradients,
optimizer, learning-rate schedule); batches are consecutive slices of ``batch_size`` rows,
the last one smaller; ``history.history`` has fit's keys (``loss``, metrics, ``val_*``),
one value per epoch; validation data is evaluated after every epoch and never updates the
model; afterwards the model is in the state ``fit`` leaves it in. With ``shuffle=False``
the final weights equal those of ``model.fit(..., shuffle=False)``.

Different: ``shuffle=True`` puts the rows in the order :func:`shuffle_order` gives (a new,
reproducible order each epoch, not fit's); ``batch_size=None`` means one full batch per
epoch (``fit`` would use 32); callbacks (the progress display) get the epoch logs in about
20 bursts and no per-batch calls; ``run_eagerly`` and ``jit_compile`` are ignored. For
tf.data datasets, generators or multi-input models, use ``model.fit``.

How it works and how much time it saves: ``benchmarks/README.md`` (section "fit_fast").
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import TrainingError
from ..i18n import _
from .notebook_setup import import_tensorflow_quietly

tf, keras = import_tensorflow_quietly()

__all__ = ["fit_fast", "shuffle_order"]

#: Epoch logs reach the callbacks about this many times per run (progress granularity).
PROGRESS_CHUNKS = 20


def shuffle_order(n: int, seed: int, epoch: int) -> np.ndarray:
    """Row order ``fit_fast(shuffle=True, seed=seed)`` uses in epoch ``epoch`` (0-based)."""
    return np.random.default_rng([seed, epoch]).permutation(n)


# ----------------------------------------------------------------------------- checks


def _whole_number(value, name: str, *, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TrainingError(_("{name} must be a whole number such as 10, not {value!r}.").format(
            name=name, value=value))
    value = int(value)
    if value < minimum:
        raise TrainingError(_("{name} must be at least {minimum}, not {value}.").format(
            name=name, minimum=minimum, value=value))
    return value


def _as_array(value, name: str) -> np.ndarray:
    """NumPy array the way ``fit`` sees it: floats become ``keras.config.floatx()``."""
    if value is None:
        raise TrainingError(_("{name} is None: pass a NumPy array or a pandas DataFrame/Series.").format(name=name))
    if isinstance(value, (tf.data.Dataset, dict)) or hasattr(value, "__next__"):
        raise TrainingError(
            _("fit_fast takes one array for {name} (NumPy, pandas or a tensor), not a "
              "{type}; for datasets, generators or multi-input models use model.fit.").format(
                  name=name, type=type(value).__name__)
        )
    if hasattr(value, "select_dtypes"):  # pandas DataFrame: name the text columns
        from pandas.api.types import is_numeric_dtype

        text_cols = [str(c) for c, dtype in value.dtypes.items() if not is_numeric_dtype(dtype)]
        if text_cols:
            raise TrainingError(
                _("{name} has non-numeric columns {text_cols}: keep only numeric features "
                  "(e.g. df.drop(columns=[...])) or encode them as numbers first.").format(
                      name=name, text_cols=text_cols)
            )
    try:
        if hasattr(value, "to_numpy"):
            array = value.to_numpy()
        elif hasattr(value, "numpy"):
            array = value.numpy()
        else:
            array = np.asarray(value)
        if array.dtype == object:
            array = array.astype("float64")
    except (TypeError, ValueError) as error:
        raise TrainingError(
            _("{name} must contain numbers only, in a rectangular array (got {type}: "
              "{error}).").format(name=name, type=type(value).__name__, error=error)
        ) from None
    if array.dtype.kind not in "biuf":
        raise TrainingError(_("{name} must contain numbers, not values of type {dtype}.").format(
            name=name, dtype=array.dtype))
    if array.ndim == 0:
        raise TrainingError(_("{name} is a single number; it needs one row per example.").format(name=name))
    if array.shape[0] == 0:
        raise TrainingError(_("{name} has no rows.").format(name=name))
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array)
        if bad.any():
            rows = np.unique(np.nonzero(bad)[0])
            shown = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
            raise TrainingError(
                _("{name} contains {count} NaN or infinite value(s), in row(s) {shown}. "
                  "Training on them makes the loss NaN: drop or fill those rows first "
                  "(e.g. df.dropna() or df.fillna(...)).").format(name=name, count=int(bad.sum()), shown=shown)
            )
        if array.dtype != np.dtype(keras.config.floatx()):
            array = array.astype(keras.config.floatx())
    return array


def _check_pair(x, y, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    x = _as_array(x, f"{prefix}x")
    y = _as_array(y, f"{prefix}y")
    if len(x) != len(y):
        raise TrainingError(
            _("{prefix}x has {n_x} rows but {prefix}y has {n_y}: they need one target per example.").format(
                prefix=prefix, n_x=len(x), n_y=len(y))
        )
    return x, y


def _check_model(model) -> None:
    if not isinstance(model, keras.Model):
        raise TrainingError(_("model must be a Keras model, not {type}.").format(type=type(model).__name__))
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise TrainingError(
            _("The model is not compiled: call model.compile(optimizer=..., loss=...) before "
              "fit_fast, e.g. model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), "
              "loss='binary_crossentropy').")
        )


def _check_input_shape(model, x: np.ndarray) -> None:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # model without keras.Input: built on first call
        return
    if not inputs or len(inputs) != 1:
        return
    expected = tuple(inputs[0].shape)[1:]
    got = x.shape[1:]
    fits = len(expected) == len(got) and all(e is None or e == g for e, g in zip(expected, got))
    if not fits:
        hint = _(" (reshape with x.reshape(-1, 1))") if got == () and expected == (1,) else ""
        raise TrainingError(
            _("Each row of x has shape {got} but the model expects {expected} "
              "(model input shape {input_shape}){hint}.").format(
                  got=got, expected=expected, input_shape=(None, *expected), hint=hint)
        )


def _resolve_progress(progress, epochs: int):
    if isinstance(progress, keras.callbacks.Callback):
        return progress
    if progress is None or progress is False:
        progress = "none"
    from .progress import progress_callback  # lazy: progress imports TrainingError from here

    return progress_callback(epochs, mode=progress)


# ----------------------------------------------------------------------- compiled loop


def _run_batches(step, x, y, n: int, batch_size: int, order=None) -> None:
    """Call ``step((x_batch, y_batch))`` on consecutive batches (inside a tf.function)."""
    steps = math.ceil(n / batch_size)
    if steps == 1 and order is None:
        step((x, y))
        return

    def body(s):
        start = s * batch_size
        stop = tf.minimum(start + batch_size, n)
        if order is None:
            step((x[start:stop], y[start:stop]))
        else:
            rows = order[start:stop]
            step((tf.gather(x, rows), tf.gather(y, rows)))
        return (s + 1,)

    # parallel_iterations=1: each step must see the weights the previous step wrote.
    tf.while_loop(lambda s: s < steps, body, (tf.constant(0),), parallel_iterations=1)


def _build_chunk_runner(model, x, y, validation, batch_size, shuffle, train_specs, val_specs):
    """A tf.function running k epochs and returning ``{key: [k] values}``."""
    n = len(x)
    x_t, y_t = tf.constant(x), tf.constant(y)
    if validation is not None:
        xv_t, yv_t = tf.constant(validation[0]), tf.constant(validation[1])
    specs = list(train_specs.items()) + list(val_specs.items())

    def one_epoch(e, arrays, orders):
        model.reset_metrics()
        order = orders[e] if orders is not None else None
        _run_batches(model.train_step, x_t, y_t, n, batch_size, order)
        logs = model.get_metrics_result()
        arrays = list(arrays)
        for i, key in enumerate(train_specs):
            arrays[i] = arrays[i].write(e, tf.cast(logs[key], train_specs[key].dtype))
        if validation is not None:
            model.reset_metrics()  # what fit's evaluate() does
            _run_batches(model.test_step, xv_t, yv_t, len(validation[0]), batch_size)
            val_logs = model.get_metrics_result()
            offset = len(train_specs)
            for i, key in enumerate(val_specs):
                arrays[offset + i] = arrays[offset + i].write(
                    e, tf.cast(val_logs[key[len("val_"):]], val_specs[key].dtype)
                )
        return arrays

    def run(k, orders):
        arrays = [
            tf.TensorArray(spec.dtype, size=k, element_shape=spec.shape) for _, spec in specs
        ]

        def body(e, *arrays):
            return (e + 1, *one_epoch(e, arrays, orders))

        _, *arrays = tf.while_loop(
            lambda e, *_: e < k, body, (tf.constant(0), *arrays), parallel_iterations=1
        )
        return {key: ta.stack() for (key, _), ta in zip(specs, arrays)}

    if shuffle:
        signature = [tf.TensorSpec([None, n], tf.int32)]
        fn = lambda orders: run(tf.shape(orders)[0], orders)  # noqa: E731
    else:
        signature = [tf.TensorSpec([], tf.int32)]
        fn = lambda k: run(k, None)  # noqa: E731
    return tf.function(fn, input_signature=signature, autograph=False)


def _log_specs(model) -> dict:
    """Keys, dtypes and shapes of ``model.get_metrics_result()`` (after the build)."""
    return {
        key: tf.TensorSpec(tf.convert_to_tensor(value).shape, tf.convert_to_tensor(value).dtype)
        for key, value in model.get_metrics_result().items()
    }


# ------------------------------------------------------------------------------ public


def fit_fast(
    model,
    x,
    y,
    *,
    epochs: int,
    batch_size: int | None = None,
    validation_data=None,
    shuffle: bool = True,
    seed: int = 0,
    progress="auto",
) -> "keras.callbacks.History":
    """Train like ``model.fit`` (same optimizer steps) without its per-epoch overhead (lesson 02_01).

    Args:
        model: a compiled Keras model (``model.compile(optimizer=..., loss=...)``).
        x, y: one input array and one target array with the same number of rows (NumPy,
            pandas or tensors). Float data is cast to ``float32`` as ``fit`` does.
        epochs: number of passes over the data (>= 1).
        batch_size: rows per optimizer step; ``None`` = all rows (one step per epoch).
            A last, smaller batch is used when it does not divide the rows, as in ``fit``.
        validation_data: optional ``(x_val, y_val)``, evaluated after every epoch
            (검증 데이터 validation data: it never updates the model).
        shuffle: new row order every epoch (see :func:`shuffle_order`); ``False`` gives
            exactly the steps of ``model.fit(..., shuffle=False)``.
        seed: seed of the row order when ``shuffle=True``.
        progress: ``"auto"``, ``"bar"``, ``"plain"``, ``"none"`` (see
            :func:`course_utils.lesson.progress.progress_callback`) or a Keras callback.

    Returns:
        ``keras.callbacks.History`` (also set as ``model.history``), with
        ``history.history[key]`` holding one value per epoch for the same keys as ``fit``.
    """
    _check_model(model)
    epochs = _whole_number(epochs, "epochs", minimum=1)
    seed = _whole_number(seed, "seed", minimum=0)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TrainingError(_("shuffle must be True or False, not {shuffle!r}.").format(shuffle=shuffle))
    x, y = _check_pair(x, y, "")
    n = len(x)
    if batch_size is None:
        batch_size = n
    batch_size = min(_whole_number(batch_size, "batch_size", minimum=1), n)
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TrainingError(
                _("validation_data must be a pair (x_val, y_val), e.g. validation_data=(X_val, y_val).")
            )
        validation = _check_pair(*validation_data, "validation ")
        if validation[0].shape[1:] != x.shape[1:]:
            raise TrainingError(
                _("validation x rows have shape {shape} but training x rows have "
                  "shape {shape2}: use the same feature columns for both.").format(
                      shape=validation[0].shape[1:], shape2=x.shape[1:])
            )
    _check_input_shape(model, x)
    callback = _resolve_progress(progress, epochs)
    shuffle = bool(shuffle) and batch_size < n  # one full batch: the order cannot matter

    build = getattr(model, "_symbolic_build", None)  # what fit uses to create all variables
    if build is None:  # pragma: no cover - a future Keras without it
        raise TrainingError(
            _("fit_fast does not support Keras {version} (no Model._symbolic_build); "
              "use model.fit, or Keras 3.x as pinned in pyproject.toml.").format(version=keras.__version__)
        )
    try:
        # Variables (optimizer slots, metric states) must exist before the compiled loop.
        build(data_batch=(x[:batch_size], y[:batch_size], None))
        train_specs = _log_specs(model)
        val_specs = (
            {f"val_{key}": spec for key, spec in train_specs.items()} if validation else {}
        )
        run_chunk = _build_chunk_runner(
            model, x, y, validation, batch_size, shuffle, train_specs, val_specs
        )
        run_chunk.get_concrete_function()  # trace now: shape errors surface here, untrained
    except ValueError as error:
        raise TrainingError(
            _("The model cannot train on this x and y (x rows {shape}, y rows {shape2}): "
              "{error}\nCheck that x has the features the model's input expects and y matches "
              "its output (one column per output unit).").format(shape=x.shape[1:], shape2=y.shape[1:], error=error)
        ) from error

    steps = math.ceil(n / batch_size)
    callbacks = keras.callbacks.CallbackList(
        [callback], add_history=True, add_progbar=False, model=model,
        verbose=0, epochs=epochs, steps=steps,
    )
    model.stop_training = False
    callbacks.on_train_begin()
    chunk = math.ceil(epochs / PROGRESS_CHUNKS)
    logs = None
    for first in range(0, epochs, chunk):
        k = min(chunk, epochs - first)
        if shuffle:
            orders = np.stack([shuffle_order(n, seed, e) for e in range(first, first + k)])
            out = run_chunk(tf.constant(orders, tf.int32))
        else:
            out = run_chunk(tf.constant(k, tf.int32))
        out = {key: value.numpy() for key, value in out.items()}
        for i in range(k):
            logs = {key: values[i] for key, values in out.items()}  # CallbackList makes floats
            callbacks.on_epoch_begin(first + i)
            callbacks.on_epoch_end(first + i, logs)
    model.optimizer.finalize_variable_values(model.trainable_weights)
    callbacks.on_train_end(logs)
    return model.history
