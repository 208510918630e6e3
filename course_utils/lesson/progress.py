"""Training progress that suits where the notebook runs (lesson 02_09).

``progress_callback(epochs)`` returns a Keras callback for ``model.fit(..., verbose=0,
callbacks=[...])`` or ``fit_fast(..., progress=...)`` (which uses it for ``"auto"``):

* ``"bar"``: a tqdm progress bar (``tqdm.auto``: a widget in Jupyter, text in a terminal)
  with the latest loss. It is redrawn at most every 0.2 s, so a 2000-epoch fit pays a
  clock read per epoch and nothing more.
* ``"text"``: the same bar drawn as text on standard output, also inside Jupyter. ``course
  run`` uses it, so an executed notebook keeps the bar's final state and the course site
  shows it (a widget's state needs JavaScript from the internet to be seen).
* ``"plain"``: at most 10 short lines, one every 10 % of the epochs (every epoch when
  there are fewer than 10), with the epoch and the logged values to 4 significant
  digits. No timings, so the output is identical on every run (nbval, CI).
* ``"none"``: shows nothing.
* ``"auto"``: the environment variable ``COURSE_PROGRESS`` (``bar``, ``text``, ``plain``
  or ``none``) if set; otherwise ``"plain"`` under CI (``CI``) or pytest
  (``PYTEST_CURRENT_TEST``) or outside Jupyter, and ``"bar"`` in Jupyter.

Example (the slides' seed 001 shows tqdm; this is the Keras version)::

    history = model.fit(x, y, epochs=500, verbose=0,
                        callbacks=[progress_callback(500, desc="1-10-6-1 net")])
"""

from __future__ import annotations

import math
import numbers
import os
import time

from .notebook_setup import import_tensorflow_quietly, running_in_notebook
from ..errors import TrainingError
from ..i18n import _

tf, keras = import_tensorflow_quietly()

__all__ = ["progress_callback", "resolve_mode", "MODES"]

MODES = ("bar", "text", "plain", "none")
#: Seconds between two redraws of the bar.
BAR_INTERVAL = 0.2


def resolve_mode(mode: str = "auto") -> str:
    """``"auto"`` → ``"bar"``, ``"text"``, ``"plain"`` or ``"none"`` (rules in the module docstring)."""
    if mode != "auto":
        if mode not in MODES:
            raise TrainingError(
                _("progress mode must be 'auto', 'bar', 'text', 'plain' or 'none', not {mode!r}.").format(mode=mode)
            )
        return mode
    forced = os.environ.get("COURSE_PROGRESS", "").strip().lower()
    if forced:
        if forced not in MODES:
            raise TrainingError(
                _("The environment variable COURSE_PROGRESS is {forced!r}; it must be "
                  "bar, text, plain or none (or unset it).").format(forced=forced)
            )
        return forced
    if os.environ.get("CI") or os.environ.get("PYTEST_CURRENT_TEST"):
        return "plain"
    return "bar" if running_in_notebook() else "plain"


def _format_logs(logs) -> str:
    """``loss 0.6931 · val_loss 0.7 · accuracy 0.5``: losses first, 4 significant digits."""
    logs = logs or {}
    keys = [k for k in ("loss", "val_loss") if k in logs] + [
        k for k in logs if k not in ("loss", "val_loss")
    ]
    parts = []
    for key in keys:
        value = logs[key]
        try:
            parts.append(f"{key} {float(value):.4g}")
        except (TypeError, ValueError):  # non-scalar metric (e.g. per-class F1): skip
            continue
    return " · ".join(parts)


class _Progress(keras.callbacks.Callback):
    """Shared bookkeeping: total epochs and the last epoch seen."""

    def __init__(self, epochs: int, desc: str):
        super().__init__()
        self.epochs = epochs
        self.desc = desc
        self.last_epoch = 0
        self.last_logs: dict = {}

    def _total(self) -> int:
        fit_epochs = (getattr(self, "params", None) or {}).get("epochs")
        return fit_epochs if isinstance(fit_epochs, int) and fit_epochs > 0 else self.epochs

    def on_train_begin(self, logs=None):
        self.total = self._total()
        self.last_epoch = 0
        self.last_logs = {}


class PlainProgress(_Progress):
    """About 10 deterministic lines: ``desc: epoch 200/2000 · loss 0.6931``."""

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._marks = {math.ceil(k * self.total / 10) for k in range(1, 11)}
        self._printed = None

    def _print(self, epoch: int, logs) -> None:
        text = _format_logs(logs)
        print(f"{self.desc}: epoch {epoch}/{self.total}" + (f" · {text}" if text else ""))
        self._printed = epoch

    def on_epoch_end(self, epoch, logs=None):
        self.last_epoch, self.last_logs = epoch + 1, dict(logs or {})
        if epoch + 1 in self._marks:
            self._print(epoch + 1, logs)

    def on_train_end(self, logs=None):
        if self.last_epoch and self._printed != self.last_epoch:  # stopped early
            self._print(self.last_epoch, self.last_logs)


class BarProgress(_Progress):
    """A tqdm bar redrawn at most every ``BAR_INTERVAL`` seconds, with the latest loss."""

    def _make_bar(self):
        from tqdm.auto import tqdm

        return tqdm(total=self.total, desc=self.desc, unit="epoch", mininterval=BAR_INTERVAL, leave=True)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._bar = self._make_bar()
        self._pending = 0
        self._last_draw = time.monotonic()

    def _flush(self) -> None:
        if self._pending:
            if self.last_logs:
                self._bar.set_postfix_str(_format_logs(self.last_logs), refresh=False)
            self._bar.update(self._pending)
            self._pending = 0
        self._last_draw = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        self.last_epoch, self.last_logs = epoch + 1, logs or {}
        self._pending += 1
        if time.monotonic() - self._last_draw >= BAR_INTERVAL:
            self.last_logs = dict(self.last_logs)
            self._flush()

    def on_train_end(self, logs=None):
        self.last_logs = dict(self.last_logs)
        self._flush()
        self._bar.close()


class TextBarProgress(BarProgress):
    """The tqdm bar as text on standard output, wherever it runs (what ``course run`` shows)."""

    def _make_bar(self):
        import sys

        from tqdm.std import tqdm

        return tqdm(total=self.total, desc=self.desc, unit="epoch", mininterval=BAR_INTERVAL, leave=True,
                    file=sys.stdout, ascii=False, dynamic_ncols=False, ncols=100)


def progress_callback(epochs: int, *, mode: str = "auto", desc: str = "training") -> "keras.callbacks.Callback":
    """A Keras callback showing training progress: bar, plain lines or nothing (lesson 02_09).

    ``epochs`` is the number of epochs of the fit (the bar's length; when ``model.fit``
    tells the callback its own ``epochs``, that value wins). ``mode`` is ``"auto"``,
    ``"bar"``, ``"text"``, ``"plain"`` or ``"none"``; ``desc`` labels the bar or the lines.
    Works with ``model.fit(..., verbose=0, callbacks=[cb])`` and ``fit_fast(..., progress=cb)``.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise TrainingError(_("epochs must be a whole number >= 1, not {epochs!r}.").format(epochs=epochs))
    epochs = int(epochs)
    if not isinstance(mode, str):
        raise TrainingError(_("progress mode must be a string such as 'auto', not {mode!r}.").format(mode=mode))
    resolved = resolve_mode(mode)
    if resolved == "none":
        return keras.callbacks.Callback()
    if resolved == "plain":
        return PlainProgress(epochs, str(desc))
    if resolved == "text":
        return TextBarProgress(epochs, str(desc))
    try:
        import tqdm.auto  # noqa: F401
    except ImportError:  # pragma: no cover - tqdm is a course dependency
        return PlainProgress(epochs, str(desc))
    return BarProgress(epochs, str(desc))
