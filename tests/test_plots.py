"""Tests for course_utils.lesson.plots (lessons 02_00–02_03): headless, returns matplotlib objects."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.lesson.activations import ACTIVATIONS
from course_utils.errors import PlotInputError
from course_utils.lesson.plots import (
    plot_activation_gallery,
    plot_decision_boundary,
    plot_history,
    plot_predictions,
)

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0, 0, 0, 1])


@pytest.fixture(autouse=True)
def no_show_and_cleanup(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("plots must never call plt.show()")

    monkeypatch.setattr(plt, "show", forbidden)
    yield
    plt.close("all")


def by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def boundary_vertices(ax):
    (line,) = by_gid(ax, "decision_boundary")
    verts = np.concatenate([p.vertices for p in line.get_paths() if len(p.vertices)])
    assert len(verts) > 10
    return verts


# --- decision boundary ------------------------------------------------------------------------

def test_hand_made_step_function_boundary_is_at_x1_plus_x2_equal_1():
    ax = plot_decision_boundary(lambda g: g[:, 0] + g[:, 1] > 1, X4, Y_AND, resolution=101)
    assert isinstance(ax, Axes)
    verts = boundary_vertices(ax)
    spacing = 1.2 / 100                                # grid step of the plotted array
    assert np.max(np.abs(verts.sum(axis=1) - 1.0)) <= 2 * spacing
    assert np.max(np.abs(verts.sum(axis=1) - 0.0)) > 0.5    # the check would catch x1 + x2 = 0
    (fill,) = by_gid(ax, "decision_fill")
    paths = fill.get_paths()                           # one region per level band 0–0.1, …, 0.9–1
    assert len(paths) == 10
    assert paths[0].contains_point((0.2, 0.2)) and not paths[0].contains_point((0.9, 0.9))
    assert paths[-1].contains_point((0.9, 0.9)) and not paths[-1].contains_point((0.2, 0.2))
    assert paths[-1].contains_point((0.3, 0.9)) and paths[0].contains_point((0.3, 0.6))


def test_probability_function_boundary_is_interpolated_precisely():
    ax = plot_decision_boundary(lambda g: sigmoid(5 * (g[:, 0] + g[:, 1] - 1)), X4, Y_AND)
    verts = boundary_vertices(ax)
    np.testing.assert_allclose(verts.sum(axis=1), 1.0, atol=1e-3)
    (fill,) = by_gid(ax, "decision_fill")
    np.testing.assert_allclose(fill.levels, np.linspace(0, 1, 11))


@pytest.mark.parametrize("shape", ["n1", "n2"])
def test_column_and_two_class_probability_outputs(shape):
    def fn(g):
        p = sigmoid(8 * (g[:, 0] - 0.3))
        return p[:, None] if shape == "n1" else np.column_stack([1 - p, p])

    ax = plot_decision_boundary(fn, X4, Y_AND)
    np.testing.assert_allclose(boundary_vertices(ax)[:, 0], 0.3, atol=1e-3)


def test_raw_scores_are_thresholded_at_half():
    # scores outside [0, 1]: class = score >= 0.5, filled by class
    ax = plot_decision_boundary(lambda g: 4 * (g[:, 0] - g[:, 1]), X4, Y_AND, resolution=121)
    verts = boundary_vertices(ax)
    spacing = 1.2 / 120
    assert np.max(np.abs(4 * (verts[:, 0] - verts[:, 1]) - 0.5)) <= 4 * 2 * spacing
    (fill,) = by_gid(ax, "decision_fill")
    np.testing.assert_allclose(fill.levels, [-0.5, 0.5, 1.5])


def test_three_class_scores_use_argmax():
    X = np.array([[-1.0, -1.0], [1.0, -1.0], [0.0, 1.0]])
    y = np.array([0, 1, 2])
    ax = plot_decision_boundary(lambda g: -np.linalg.norm(g[:, None, :] - X[None], axis=2), X, y)
    (fill,) = by_gid(ax, "decision_fill")
    np.testing.assert_allclose(fill.levels, [-0.5, 0.5, 1.5, 2.5])
    paths = fill.get_paths()
    for k, point in enumerate(X):
        assert paths[k].contains_point(point)
        assert not paths[(k + 1) % 3].contains_point(point)


def test_points_coloured_by_label_and_labels():
    ax = plot_decision_boundary(lambda g: g[:, 0] + g[:, 1] > 1, X4, Y_AND, title="AND")
    scatters = [c for c in ax.collections if c.get_label().startswith("class")]
    assert [c.get_label() for c in scatters] == ["class 0", "class 1"]
    np.testing.assert_allclose(scatters[0].get_offsets(), X4[:3])
    np.testing.assert_allclose(scatters[1].get_offsets(), X4[3:])
    assert not np.allclose(scatters[0].get_facecolor(), scatters[1].get_facecolor())
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"
    assert ax.get_title() == "AND"
    lo, hi = ax.get_xlim()
    assert lo < 0 and hi > 1                            # margin around the data


def test_draws_into_the_callers_axes_and_closes_nothing():
    fig, (ax1, ax2) = plt.subplots(1, 2)
    out = plot_decision_boundary(lambda g: g[:, 0] > 0.5, X4, Y_AND, ax=ax2)
    assert out is ax2
    assert plt.fignum_exists(fig.number)
    assert len(ax1.collections) == 0
    out = plot_predictions([1, 2, 3], [1, 2, 4], ax=ax1)
    assert out is ax1 and plt.fignum_exists(fig.number)


def test_constant_prediction_has_no_boundary_but_works():
    ax = plot_decision_boundary(lambda g: np.zeros(len(g)), X4, Y_AND)
    assert by_gid(ax, "decision_boundary") == []
    assert len(by_gid(ax, "decision_fill")) == 1


def test_small_keras_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.array([[5.0], [5.0]]), np.array([-5.0])])
    ax = plot_decision_boundary(model, X4, Y_AND)
    np.testing.assert_allclose(boundary_vertices(ax).sum(axis=1), 1.0, atol=2e-3)

    soft = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    soft.layers[0].set_weights([np.array([[-2.5, 2.5], [-2.5, 2.5]]), np.array([2.5, -2.5])])
    ax = plot_decision_boundary(soft, X4, Y_AND)
    np.testing.assert_allclose(boundary_vertices(ax).sum(axis=1), 1.0, atol=2e-3)


def test_keras_model_evaluated_in_chunks(monkeypatch):
    import course_utils.lesson.plots as plots

    monkeypatch.setattr(plots, "GRID_CHUNK", 1000)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.array([[5.0], [5.0]]), np.array([-5.0])])
    ax = plot_decision_boundary(model, X4, Y_AND, resolution=50)   # 2500 points → 3 calls
    np.testing.assert_allclose(boundary_vertices(ax).sum(axis=1), 1.0, atol=5e-3)


def test_keras_model_with_wrong_input_size_gives_clear_error():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(PlotInputError, match=r"shape \(2,\)"):
        plot_decision_boundary(model, X4, Y_AND)


def test_decision_boundary_input_errors():
    fn = lambda g: g[:, 0] > 0.5  # noqa: E731
    with pytest.raises(PlotInputError, match=r"shape \(n, 2\).*\(4, 3\)"):
        plot_decision_boundary(fn, np.zeros((4, 3)), Y_AND)
    with pytest.raises(PlotInputError, match=r"shape \(n, 2\)"):
        plot_decision_boundary(fn, np.zeros(4), Y_AND)
    with pytest.raises(PlotInputError, match="4 rows but y has 3"):
        plot_decision_boundary(fn, X4, Y_AND[:3])
    with pytest.raises(PlotInputError, match="NaN"):
        plot_decision_boundary(fn, np.array([[0.0, np.nan], [1.0, 1.0]]), [0, 1])
    with pytest.raises(PlotInputError, match="Keras model or a function"):
        plot_decision_boundary("model", X4, Y_AND)
    with pytest.raises(PlotInputError, match="must return shape"):
        plot_decision_boundary(lambda g: g[:10, 0], X4, Y_AND)
    with pytest.raises(PlotInputError, match="NaN or infinite scores"):
        plot_decision_boundary(lambda g: np.full(len(g), np.nan), X4, Y_AND)
    with pytest.raises(PlotInputError, match="failed"):
        plot_decision_boundary(lambda g: g[:, 5], X4, Y_AND)
    with pytest.raises(PlotInputError, match="resolution"):
        plot_decision_boundary(fn, X4, Y_AND, resolution=1)
    with pytest.raises(PlotInputError, match="matplotlib Axes"):
        plot_decision_boundary(fn, X4, Y_AND, ax="left")


# --- history ----------------------------------------------------------------------------------

HIST = {
    "accuracy": [0.5, 0.7, 0.9],
    "loss": [1.0, 0.5, 0.25],
    "val_loss": [1.1, 0.6, 0.4],
    "val_accuracy": [0.4, 0.6, 0.8],
}


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_history_dict_one_subplot_per_metric_loss_first():
    fig = plot_history(HIST, title="run")
    assert isinstance(fig, Figure)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, name in zip(fig.axes, ["loss", "accuracy"]):
        lines = lines_by_label(ax)
        assert set(lines) == {"training", "validation"}
        np.testing.assert_allclose(lines["training"].get_xdata(), [1, 2, 3])
        np.testing.assert_allclose(lines["training"].get_ydata(), HIST[name])
        np.testing.assert_allclose(lines["validation"].get_ydata(), HIST["val_" + name])
        assert ax.get_xlabel() == "epoch"
        assert ax.get_yscale() == "linear"
    assert fig._suptitle.get_text() == "run"


def test_history_metrics_selection_and_no_validation():
    fig = plot_history({"loss": [3.0, 2.0]}, metrics=["loss"])
    assert len(fig.axes) == 1
    assert list(lines_by_label(fig.axes[0])) == ["training"]
    fig = plot_history(HIST, metrics=["accuracy"])
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy"]
    fig = plot_history(HIST, metrics="loss")
    assert len(fig.axes) == 1


def test_history_logy_applies_to_loss_only():
    fig = plot_history(HIST, logy=True)
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[1].get_yscale() == "linear"
    with pytest.raises(PlotInputError, match="positive"):
        plot_history({"loss": [1.0, 0.0]}, logy=True)


def test_history_validation_freq_spacing_and_nan_note():
    fig = plot_history({"loss": [4.0, 3.0, 2.0, 1.0], "val_loss": [3.5, 1.5]})
    np.testing.assert_allclose(lines_by_label(fig.axes[0])["validation"].get_xdata(), [2, 4])
    fig = plot_history({"loss": [1.0, float("nan"), float("nan")]})
    assert "NaN/inf from epoch 2" in fig.axes[0].get_title()


def test_history_from_keras_fit():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_data=(x, y), verbose=0)
    fig = plot_history(history)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    np.testing.assert_allclose(lines_by_label(fig.axes[0])["training"].get_ydata(), history.history["loss"])
    assert "validation" in lines_by_label(fig.axes[1])


def test_history_errors():
    with pytest.raises(PlotInputError, match="empty"):
        plot_history({})
    with pytest.raises(PlotInputError, match="no epochs"):
        plot_history({"loss": [], "val_loss": []})
    with pytest.raises(PlotInputError, match=r"unknown metric.*'mae'.*\['accuracy', 'loss'\]"):
        plot_history(HIST, metrics=["mae"])
    with pytest.raises(PlotInputError, match="History"):
        plot_history([1.0, 0.5])
    with pytest.raises(PlotInputError, match="numbers"):
        plot_history({"loss": ["high", "low"]})


# --- predictions ------------------------------------------------------------------------------

def test_predictions_scatter_diagonal_and_rmse():
    y_true = np.array([1.0, 2.0, 3.0])
    y_pred = np.array([[1.0], [2.0], [5.0]])           # (n, 1) like model.predict
    ax = plot_predictions(y_true, y_pred, title="House price")
    assert isinstance(ax, Axes)
    (scatter,) = by_gid(ax, "predictions")
    np.testing.assert_allclose(scatter.get_offsets(), np.column_stack([y_true, y_pred.ravel()]))
    (diag,) = by_gid(ax, "diagonal")
    np.testing.assert_allclose(diag.get_xdata(), diag.get_ydata())
    assert diag.get_xdata()[0] <= 1.0 and diag.get_xdata()[1] >= 5.0
    rmse = np.sqrt(4 / 3)
    assert ax.get_title() == f"House price (RMSE = {rmse:.4g})" == "House price (RMSE = 1.155)"
    assert ax.get_xlabel() == "true value" and ax.get_ylabel() == "predicted value"
    assert "RMSE = 0" in plot_predictions([1, 2], [1, 2]).get_title()


def test_predictions_errors():
    with pytest.raises(PlotInputError, match="3 values but y_pred has 2"):
        plot_predictions([1, 2, 3], [1, 2])
    with pytest.raises(PlotInputError, match="NaN.*diverge"):
        plot_predictions([1, 2], [1, np.nan])
    with pytest.raises(PlotInputError, match="empty"):
        plot_predictions([], [])
    with pytest.raises(PlotInputError, match=r"\(n,\)"):
        plot_predictions(np.zeros((3, 2)), np.zeros((3, 2)))


# --- activation gallery -----------------------------------------------------------------------

def test_activation_gallery_all():
    fig = plot_activation_gallery()
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == list(ACTIVATIONS)
    for ax in fig.axes:
        f, df = ACTIVATIONS[ax.get_title()]
        lines = lines_by_label(ax)
        x = lines["f(x)"].get_xdata()
        np.testing.assert_allclose(lines["f(x)"].get_ydata(), f(x))
        np.testing.assert_allclose(lines["f'(x)"].get_ydata(), df(x))
        assert x.min() < 0 < x.max()


def test_activation_gallery_subset_and_errors():
    fig = plot_activation_gallery(["relu", "elu"])
    assert [ax.get_title() for ax in fig.axes] == ["relu", "elu"]
    assert len(plot_activation_gallery("tanh").axes) == 1
    with pytest.raises(PlotInputError, match="unknown activation.*'swish'"):
        plot_activation_gallery(["swish"])
    with pytest.raises(PlotInputError, match="empty"):
        plot_activation_gallery([])


def test_works_under_agg_and_renders():
    assert matplotlib.get_backend().lower() == "agg"
    fig = plot_activation_gallery()
    fig.canvas.draw()                                  # a real render, headless
    ax = plot_decision_boundary(lambda g: g[:, 0] > 0.5, X4, Y_AND)
    ax.figure.canvas.draw()
