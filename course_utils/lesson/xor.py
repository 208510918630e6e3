"""The XOR problem and the slides' 2-4-5-1 sigmoid network (lesson 02_01).

Shared by the 02_01 notebooks and ``benchmarks/p2_xor.py`` so that both train the same
net for the same number of steps. The notebooks still write the model code out in full;
:func:`build_xor_mlp` is that same code in one place (the practice notebook checks that
both give identical weights).

Why ``XOR_EPOCHS`` is not the slides' 2000: with the slides' settings (Keras default
initialisation, SGD learning rate 0.5, binary cross-entropy, full batch of 4) some starting
weights sit on the loss plateau near ln 2 for a long time. Measured with ``fit_fast``
(``keras.utils.set_random_seed(seed)``, then :func:`build_xor_mlp`, seeds 0-19, TensorFlow
2.21 on CPU): after 2000 steps 16 of 20 seeds reach 100 % accuracy (seeds 6, 7, 14 and 18 do
not yet); the slowest, seed 7, reaches it for good after 3,748 steps. ``XOR_EPOCHS = 4000``
is the smallest multiple of 500 at which all 20 of 20 seeds reach 100 %, with a margin of
about 250 steps for floating-point differences between machines. ``XOR_SEED = 0`` solves
XOR after about 1,300 steps. ``python -m benchmarks.p2_xor`` re-checks the 20/20.
"""

from __future__ import annotations

import numpy as np

__all__ = ["XOR_X", "XOR_Y", "XOR_SEED", "XOR_EPOCHS", "XOR_LEARNING_RATE", "build_xor_mlp"]

#: The four inputs of the XOR truth table, one row each (float32, shape (4, 2)).
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype="float32")
#: XOR of each row of ``XOR_X`` (float32, shape (4, 1)).
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]], dtype="float32")
#: Seed the 02_01 notebooks pass to ``keras.utils.set_random_seed`` before building the net.
XOR_SEED = 0
#: Full-batch SGD steps (= epochs of 4 rows) after which all of the seeds 0-19 solve XOR.
XOR_EPOCHS = 4000
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
        raise ValueError(f"api must be 'sequential' or 'functional', not {api!r}.")
    from .notebook_setup import import_tensorflow_quietly

    _, keras = import_tensorflow_quietly()
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
