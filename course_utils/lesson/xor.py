"""The XOR problem and the slides' 2-4-5-1 sigmoid network (lesson 02_01).

Shared by the 02_01 notebooks, the checks and ``benchmarks/p2_xor.py``, so that all of them
train the same net for the same number of steps. The notebooks write the model code out in
full; :func:`build_xor_mlp` is that same code in one place.

The budget is the slides' own: ``XOR_STEPS = 2000`` full-batch SGD steps (their
``model.fit(x, y, epochs=2000, batch_size=4)``: 4 rows, so one step per epoch). Each ``fit``
epoch has a fixed set-up cost, so the course gives ``fit`` the four rows repeated
``XOR_REPEATS = 100`` times, in order, with ``batch_size=4, shuffle=False``: every batch is
the whole table, and ``XOR_EPOCHS = 20`` epochs make the same 2000 steps (same weights).
With the slides' settings not every starting point solves XOR within 2000 steps (some sit on
the loss plateau near ln 2 for longer); ``XOR_SEED = 0`` does, after about 1,300 steps.
``python -m benchmarks.p2_xor`` measures both ways of calling ``fit``, ``fit_fast``, and how
many of the seeds 0-19 solve XOR within the budget (benchmarks/README.md).
"""

from __future__ import annotations

import numpy as np

from ..i18n import _

__all__ = ["XOR_X", "XOR_Y", "XOR_SEED", "XOR_STEPS", "XOR_REPEATS", "XOR_EPOCHS", "XOR_LEARNING_RATE",
           "build_xor_mlp"]

#: The four inputs of the XOR truth table, one row each (float32, shape (4, 2)).
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype="float32")
#: XOR of each row of ``XOR_X`` (float32, shape (4, 1)).
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]], dtype="float32")
#: Seed the 02_01 notebooks pass to ``keras.utils.set_random_seed`` before building the net.
XOR_SEED = 0
#: Full-batch SGD steps: the slides' 2000 epochs of the 4 rows.
XOR_STEPS = 2000
#: Copies of the 4 rows in one ``fit`` epoch (batch size 4, ``shuffle=False``): steps per epoch.
XOR_REPEATS = 100
#: ``fit`` epochs of the repeated rows that make ``XOR_STEPS`` steps.
XOR_EPOCHS = XOR_STEPS // XOR_REPEATS
#: The slides' learning rate for SGD.
XOR_LEARNING_RATE = 0.5


def build_xor_mlp(api: str = "sequential"):
    """The slides' XOR net, compiled as in the slides (lesson 02_01).

    Dense(4, sigmoid) → Dense(5, sigmoid) → Dense(1, sigmoid) on a 2-number input:
    12 + 25 + 6 = 43 parameters; SGD(learning_rate=0.5), binary cross-entropy, binary
    accuracy. ``api="sequential"`` builds it with ``keras.Sequential``, ``"functional"``
    with ``keras.Input`` and ``keras.Model``; from the same seed both get the same weights.
    The initial weights come from Keras' global random state: call
    ``keras.utils.set_random_seed(seed)`` first for a reproducible net.
    """
    if api not in ("sequential", "functional"):
        raise ValueError(_("api must be 'sequential' or 'functional', not {api!r}.").format(api=api))
    from .notebook_setup import import_tensorflow_quietly

    _tf, keras = import_tensorflow_quietly()
    layers = keras.layers
    if api == "sequential":
        model = keras.Sequential(
            [
                keras.Input((2,)),
                layers.Dense(4, activation="sigmoid"),
                layers.Dense(5, activation="sigmoid"),
                layers.Dense(1, activation="sigmoid"),
            ],
            name="xor_sequential",
        )
    else:
        inputs = keras.Input((2,))
        h = layers.Dense(4, activation="sigmoid")(inputs)
        h = layers.Dense(5, activation="sigmoid")(h)
        outputs = layers.Dense(1, activation="sigmoid")(h)
        model = keras.Model(inputs=inputs, outputs=outputs, name="xor_functional")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=XOR_LEARNING_RATE),
        loss="binary_crossentropy",
        metrics=["binary_accuracy"],
    )
    return model
