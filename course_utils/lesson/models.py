"""The course's regression nets, defined once (lesson 02_07, "Going further"; benchmarks P3, P4).

``house_price_model(n_features, seed=...)`` builds and compiles the course's house-price net
(two hidden layers of 64 ReLU units, Huber loss, AdamW with a cosine-decaying learning rate);
train it with ``fit_fast(model, x, y, epochs=HOUSE_EPOCHS, batch_size=HOUSE_BATCH_SIZE)`` on
inputs standardized with the training rows' statistics, usually after adding the neighbour
price (``NeighbourPrice(k=HOUSE_NEIGHBOURS)``, lesson 02_07)::

    model = house_price_model(X_train_n.shape[1], seed=0)
    fit_fast(model, X_train_n, y_train, epochs=HOUSE_EPOCHS, batch_size=HOUSE_BATCH_SIZE)

``boston_model`` is the net of benchmark P4 (the Keras book's Boston protocol). The benchmarks
import these builders and constants, so what they measure is exactly this code. How the recipe
was chosen and what it scores: ``benchmarks/README.md`` (P3, P4).
"""

from __future__ import annotations

from typing import Any

from ..errors import ModelConfigError

__all__ = ["HOUSE_EPOCHS", "HOUSE_BATCH_SIZE", "HOUSE_LEARNING_RATE", "HOUSE_WEIGHT_DECAY",
           "HOUSE_HUBER_DELTA", "HOUSE_NEIGHBOURS", "HOUSE_HIDDEN_UNITS", "BOSTON_EPOCHS",
           "BOSTON_BATCH_SIZE", "house_price_model", "boston_model"]

#: Epochs of one training run (lesson 02_07, benchmarks/p3_house_cv.py).
HOUSE_EPOCHS = 500
#: ``None`` = full batch: one optimizer step per epoch (``fit_fast(..., batch_size=None)``).
HOUSE_BATCH_SIZE = None
#: AdamW's initial learning rate; it decays to 0 along a cosine over HOUSE_EPOCHS steps.
HOUSE_LEARNING_RATE = 0.01
#: δ of the Huber loss: squared error for errors up to 5 (50,000 NTD/ping), absolute beyond.
HOUSE_HUBER_DELTA = 5.0
#: AdamW's decoupled weight decay.
HOUSE_WEIGHT_DECAY = 0.1
#: Neighbours of the neighbour-price column (``NeighbourPrice(k=HOUSE_NEIGHBOURS)``, lesson 02_07).
HOUSE_NEIGHBOURS = 3
#: Units of the two hidden ReLU layers.
HOUSE_HIDDEN_UNITS = (64, 64)
#: Boston (benchmarks/p4_boston_protocol.py): epochs and mini-batch size, as in the Keras book.
BOSTON_EPOCHS = 100
BOSTON_BATCH_SIZE = 16


def _check_n_features(n_features: Any) -> int:
    import numpy as np

    if isinstance(n_features, (bool, np.bool_)) or not isinstance(n_features, (int, np.integer)):
        raise ModelConfigError(
            f"n_features should be a whole number (the number of input columns, e.g. "
            f"X_train.shape[1]), got {type(n_features).__name__} {n_features!r}")
    if n_features < 1:
        raise ModelConfigError(
            f"n_features should be at least 1 (the number of input columns, e.g. "
            f"X_train.shape[1]), got {n_features}")
    return int(n_features)


def house_price_model(n_features: int = 5, *, seed: int | None = None):
    """Build and compile the course's house-price regression net (lesson 02_07).

    ``n_features → Dense(64, relu) → Dense(64, relu) → Dense(1)``, Huber loss (δ = 5; MAE and
    MSE as metrics), AdamW(learning rate 0.01 with cosine decay to 0 over :data:`HOUSE_EPOCHS`
    steps, weight decay 0.1). Train it with
    ``fit_fast(model, x, y, epochs=HOUSE_EPOCHS, batch_size=HOUSE_BATCH_SIZE)`` on inputs
    standardized with the training rows' statistics; ``benchmarks/p3_house_cv.py`` uses exactly
    this builder (its results: ``benchmarks/README.md``).

    ``n_features``: number of input columns (5 for the house data, 6 with the neighbour
    price, 13 for Boston, 12 for Boston without ``B``). ``seed``: an integer fixes the initial
    weights by itself (the same seed gives the same weights, whatever ran before); ``None`` draws them from Keras' global
    random state, so ``keras.utils.set_random_seed(s)`` before the call makes them
    reproducible (that is how the benchmarks seed each fold).
    Raises :class:`ModelConfigError` for an ``n_features`` that is not a whole number >= 1.
    """
    import keras

    model = _two_layer_relu_net(n_features, seed, name="house_price_net")
    # One optimizer step per epoch (full batch), so the cosine runs over the whole training run.
    schedule = keras.optimizers.schedules.CosineDecay(HOUSE_LEARNING_RATE, decay_steps=HOUSE_EPOCHS)
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=HOUSE_WEIGHT_DECAY),
                  loss=keras.losses.Huber(delta=HOUSE_HUBER_DELTA), metrics=["mae", "mse"])
    return model


def boston_model(n_features: int = 13, *, seed: int | None = None):
    """Build and compile the course's net for the Boston data (benchmark P4).

    The Keras book's reference architecture (``n_features → Dense(64, relu) → Dense(64,
    relu) → Dense(1)``) with the Huber loss (δ = 2, MAE as a metric) and Adam(0.001); train
    it with ``fit_fast(model, x, y, epochs=BOSTON_EPOCHS, batch_size=BOSTON_BATCH_SIZE)`` on
    standardized inputs (results: ``benchmarks/README.md``, P4). ``seed`` as in
    :func:`house_price_model`.
    """
    import keras

    model = _two_layer_relu_net(n_features, seed, name="boston_net")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss=keras.losses.Huber(delta=2.0), metrics=["mae"])
    return model


def _two_layer_relu_net(n_features: Any, seed: int | None, *, name: str):
    """``n_features → 64 relu → 64 relu → 1``, Glorot-uniform weights seeded per layer."""
    n_features = _check_n_features(n_features)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ModelConfigError(f"seed should be None or a whole number >= 0, got {seed!r}")
    import keras

    def kernel(i: int):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed * 10 + i)

    layers = [keras.Input((n_features,))]
    for i, units in enumerate(HOUSE_HIDDEN_UNITS):
        layers.append(keras.layers.Dense(units, activation="relu", kernel_initializer=kernel(i)))
    layers.append(keras.layers.Dense(1, kernel_initializer=kernel(len(HOUSE_HIDDEN_UNITS))))
    return keras.Sequential(layers, name=name)
