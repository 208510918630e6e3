"""The course's regression net for the house-price data, defined once (lesson 02_07).

Lesson 02_07 trains it on the seeded 231 / 58 / 125-row split of ``house_price_of_unit_area.csv``
and compares it with a linear regression; the benchmark ``benchmarks/p3_house_cv.py`` builds
*exactly this model* with :func:`house_price_model` and trains it for :data:`HOUSE_EPOCHS`
epochs with batch size :data:`HOUSE_BATCH_SIZE` (``fit_fast``), so the notebook and the
benchmark cannot drift apart. ``benchmarks/p4_boston_protocol.py`` (the Keras book's Boston
protocol) uses :func:`boston_model` with :data:`BOSTON_EPOCHS` and :data:`BOSTON_BATCH_SIZE`.

The model
---------
``n_features → Dense(64, relu) → Dense(64, relu) → Dense(1)`` (linear output: a price),
trained on the Huber loss with δ = 5 (squared error for errors up to 5, absolute error
beyond, so the one extreme sale of the house data, 117.5, pulls it far less than the squared
error does), with AdamW (``learning_rate`` 0.01, ``weight_decay`` 0.1) whose learning rate
falls along a cosine curve (``keras.optimizers.schedules.CosineDecay``) from 0.01 to 0 over
the ``HOUSE_EPOCHS`` full-batch steps of one training run. MAE and MSE are metrics.

Inputs must be standardized (정규화 normalization) with the mean and standard deviation of
the **training rows only** (``StandardNormalizer().fit(X_train)``); raw features (metres
next to degrees) or statistics that saw the test rows make the numbers below meaningless.
The course's full recipe (lesson 02_07, section 7) first appends the neighbour-price column
(``course_utils.lesson.neighbour_price.NeighbourPrice(k=HOUSE_NEIGHBOURS)``, fit on the training
rows, leave-one-out for the training rows themselves), then standardizes the 6 columns.

What was measured
-----------------
On the benchmark's folds (``python -m benchmarks.p3_house_cv``: RepeatedKFold 5 × 3, seed 0,
every statistic fit on each training fold; 2026-11-22), mean held-out RMSE (10,000 NTD per
ping): this net with the neighbour price 7.49 (7.42-7.50 over three weight seeds per fold),
without it 7.67; linear regression 8.93, RandomForest 7.61, HistGradientBoosting 7.53 on the
5 data columns (7.81, 7.58, 7.50 when they get the neighbour price too). About 1 s per fit
on a shared 2-core CPU. Details and the goals in ``benchmarks/README.md``.

How this recipe was chosen (a vectorized search over the same folds, several weight seeds
each; each figure the mean RMSE of single nets): the previous recipe, MAE loss with AdamW
0.003 on the 5 columns, got 7.80; the Huber loss with 0.01 on the 5 columns 7.67. Widths
of 128 and 256, a third layer, MSE, GELU/SiLU, 1000 epochs, mini-batches, weight decay 0
or 1 and averaging five nets all stayed at 7.7-8.0 without a location feature: the nets
were limited by bias, not variance. Location features fit on the training rows
closed the gap: random Fourier features of the coordinates 7.53-7.84 depending on their
random draw (not robust), the neighbour price 7.43-7.52 (k = 2-4, δ = 3-10, learning rate
0.005-0.02 all similar; k = 3 chosen). The neighbour's mean instead of the median, the
distance to the nearest sale as an extra column, a log target and 128-unit layers did not
help reliably; on lesson 02_07's smaller split (231 training rows) the 128-unit net was
clearly worse.

Boston (:func:`boston_model`): on the Keras book's protocol (the 404 training rows of
``keras.datasets.boston_housing``, 4 contiguous folds, statistics from the training folds)
the book's reference net (64-64 ReLU, RMSprop, MSE, batch 16, 100 epochs) got a mean
validation MAE of 2.269 here; the same net with the Huber loss (δ = 2) and Adam 0.001 got
2.244 (``python -m benchmarks.p4_boston_protocol``). The house-price recipe of the time
(MAE loss, AdamW 0.003) applied to Boston did worse (2.374).
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
    standardized with the training rows' statistics. Measured under repeated 5-fold CV on the
    house data: mean RMSE 7.49 with the neighbour-price column, 7.67 without (see the module
    docstring); ``benchmarks/p3_house_cv.py`` uses exactly this builder.

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
    """Build and compile the course's net for the Boston data (benchmark P4, lesson 02_07).

    The Keras book's reference architecture (``n_features → Dense(64, relu) → Dense(64,
    relu) → Dense(1)``) with the Huber loss (δ = 2, MAE as a metric) and Adam(0.001); train
    it with ``fit_fast(model, x, y, epochs=BOSTON_EPOCHS, batch_size=BOSTON_BATCH_SIZE)`` on
    standardized inputs. Measured on the book's protocol: mean validation MAE 2.244 (the
    reference net with RMSprop and MSE: 2.269). ``seed`` as in :func:`house_price_model`.
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
