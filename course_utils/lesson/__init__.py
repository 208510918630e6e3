"""The lesson library: everything a notebook imports, behind one short import.

The set-up cell of every notebook reads like this (lesson 02_00)::

    from course_utils.lesson import setup_notebook, fit_fast, load_dataset
    setup_notebook(seed=0)
    import keras

Names are loaded lazily, so importing this package is light; a helper that needs
TensorFlow imports it quietly (see :mod:`.notebook_setup`) when it is first used.
Each helper's docstring names the lesson that introduces it; CONTRIBUTING.md has the map.
"""

from __future__ import annotations

import importlib

#: name -> module (inside this package) that defines it
_EXPORTS = {
    "setup_notebook": "notebook_setup",
    "import_tensorflow_quietly": "notebook_setup",
    "DATASET_INFO": "datasets",
    "load_dataset": "datasets",
    "load_csv": "datasets",
    "list_datasets": "datasets",
    "MinMaxNormalizer": "normalize",
    "StandardNormalizer": "normalize",
    "describe_stats": "normalize",
    "train_val_test_split": "split",
    "fit_fast": "training",
    "fit_seeds": "seeds",
    "progress_callback": "progress",
    "side_by_side": "seeds",
    "summed_loss": "seeds",
    "plot_decision_boundary": "plots",
    "plot_history": "plots",
    "plot_predictions": "plots",
    "plot_activation_gallery": "plots",
    "report_figure": "key_figures",
    "ACTIVATIONS": "activations",
    "sigmoid": "activations",
    "sigmoid_grad": "activations",
    "softmax": "activations",
    "cross_entropy_error": "activations",
    "numerical_gradient": "gradcheck",
    "relative_error": "gradcheck",
    "XOR_X": "xor",
    "XOR_Y": "xor",
    "XOR_SEED": "xor",
    "XOR_EPOCHS": "xor",
    "build_xor_mlp": "xor",
    "house_price_model": "models",
    "NeighbourPrice": "neighbour_price",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'course_utils.lesson' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
