"""Exported values on disk: what the kernel writes and the judge reads back (checks.export).

The judge process must get the same values the instant check judges, and a hostile folder
must never run code in it (no pickle; Keras models in safe mode) nor claim a pass.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

from course_utils.checks import export
from course_utils.checks.core import Exercise, WrongAnswer
from course_utils.checks.export import HistoryRecord, Outcome, Recorded, Unsupported, key, load_values, save_values
from course_utils.errors import ExportFormatError


def _round_trip(values, tmp_path):
    return load_values(save_values(values, tmp_path / "task1"))


def test_plain_values_come_back_equal(tmp_path):
    frame = pd.DataFrame({"a": [1.5, 2.0, np.nan], "s": ["x", "y", "z"], 3: [1, 2, 3]}, index=[10, 11, 12])
    values = {"i": 3, "big": 2**70, "f": 0.1, "nan": float("nan"), "inf": float("-inf"), "s": "한국어", "b": True,
              "none": None, "c": 1 + 2j, "t": (1, [2, (3.5,)], {"k": np.arange(3), 4: "four"}),
              "arr": np.linspace(0, 1, 7, dtype="float32").reshape(7, 1), "strs": np.array(["a", "bc"]),
              "frame": frame, "series": frame["a"], "ranged": pd.DataFrame({"z": [1, 2]}),
              "history": HistoryRecord({"loss": [1.0, 0.5]}, [0, 1], {"epochs": 2})}
    back = _round_trip(values, tmp_path)
    assert back["i"] == 3 and back["big"] == 2**70 and back["f"] == 0.1 and np.isnan(back["nan"])
    assert back["inf"] == float("-inf") and back["s"] == "한국어" and back["b"] is True and back["none"] is None
    assert back["c"] == 1 + 2j
    assert back["t"][0] == 1 and back["t"][1][:1] == [2] and back["t"][1][1] == (3.5,)
    assert isinstance(back["t"], tuple) and isinstance(back["t"][1], list) and back["t"][2][4] == "four"
    np.testing.assert_array_equal(back["t"][2]["k"], np.arange(3))
    assert back["arr"].dtype == np.float32 and back["arr"].shape == (7, 1)
    np.testing.assert_array_equal(back["arr"], values["arr"])
    np.testing.assert_array_equal(back["strs"], values["strs"])
    pd.testing.assert_frame_equal(back["frame"], frame)
    pd.testing.assert_series_equal(back["series"], frame["a"])
    pd.testing.assert_frame_equal(back["ranged"], values["ranged"])
    assert back["history"] == values["history"]


def test_recorded_functions_replay_on_the_same_arguments(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    recorded = Recorded("norm", [Outcome((np.ones(2),), {}, value=np.zeros(2)),
                                 Outcome((frame,), {"ddof": 1}, raised="ValueError", message="boom"),
                                 Outcome((3,), {}, raised="NotImplementedError")])
    back = _round_trip({"norm": recorded}, tmp_path)["norm"]
    assert isinstance(back, Recorded) and back.name == "norm"
    assert key(back.outcomes[1].args) == key((frame,))
    np.testing.assert_array_equal(back(np.ones(2)), np.zeros(2))
    with pytest.raises(export.StudentCodeError, match="ValueError"):
        back(frame, ddof=1)
    with pytest.raises(NotImplementedError):
        back(3)


def test_what_cannot_be_exported_is_unsupported_not_an_error(tmp_path):
    values = {"fn": len, "cls": dict, "set": {1, 2}, "objects": np.array([object()], dtype=object),
              "unsupported": export.unsupported("set", "{1}")}
    back = _round_trip(values, tmp_path)
    assert all(isinstance(v, Unsupported) for v in back.values())
    assert type(back["fn"]).__name__ == "function" and type(back["set"]).__name__ == "set"


def test_the_folder_appears_whole_and_only_once(tmp_path):
    save_values({"a": 1}, tmp_path / "task1")
    assert [p.name for p in tmp_path.iterdir()] == ["task1"]
    with pytest.raises(FileExistsError):
        save_values({"a": 2}, tmp_path / "task1")


def _folder(tmp_path, values, files=None):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "values.json").write_text(json.dumps({"format": 1, "values": values}))
    for name, data in (files or {}).items():
        (folder / name).write_bytes(data)
    return folder


def test_a_pickle_is_never_loaded(tmp_path):
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    folder = _folder(tmp_path, {"a": {"$": "ndarray", "file": "v1.npy"}}, {"v1.npy": buffer.getvalue()})
    with pytest.raises(ExportFormatError):
        load_values(folder)
    (folder / "values.json").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ExportFormatError):
        load_values(folder)


@pytest.mark.parametrize("node", [
    {"$": "ndarray", "file": "../../etc/passwd"},
    {"$": "ndarray", "file": "v1.npy"},                    # missing file
    {"$": "keras", "file": "evil.py"},
    {"$": "whatever"},
    {"$": "float", "v": "__import__('os')"},
    {"$": "dict", "items": [[[1, 2], 3]]},                 # a list cannot be a key
    {"$": "recorded", "name": "f", "outcomes": [{"args": [1], "kwargs": {}}]},
])
def test_malformed_nodes_are_refused(tmp_path, node):
    with pytest.raises(ExportFormatError):
        load_values(_folder(tmp_path, {"a": node}))


def test_an_oversized_export_is_refused(tmp_path, monkeypatch):
    folder = save_values({"a": np.zeros(1000)}, tmp_path / "task1")
    monkeypatch.setattr(export, "MAX_EXPORT_BYTES", 1000)
    with pytest.raises(ExportFormatError, match="MB"):
        load_values(folder)


def _exercise():
    exercise = Exercise("02_00")

    @exercise.task("double", names=("f", "k"), probes={"f": export.calls(lambda: [(1,), (np.arange(3),)])},
                   hints=("h",))
    def task1(f, k):
        if f(1) != 2 or not np.array_equal(f(np.arange(3)), 2 * np.arange(3)) or k != 3:
            raise WrongAnswer("not doubled")

    return exercise


@pytest.mark.parametrize("namespace,status", [
    ({"f": lambda x: 2 * x, "k": 3}, "passed"),
    ({"f": lambda x: x, "k": 3}, "wrong"),
    ({"f": lambda x: 2 * x}, "not_attempted"),
    ({"f": lambda x: 2 * x, "k": None}, "wrong"),
    ({"f": lambda x: 1 / 0, "k": 3}, "wrong"),
])
def test_the_grade_judges_as_the_instant_check_does(tmp_path, namespace, status):
    exercise = _exercise()
    exercise.export(namespace, [1], tmp_path)
    graded = exercise.judge_exported(tmp_path / "task1", 1)
    instant = exercise.tasks[0].evaluate(namespace)
    assert graded.status == instant.status == status
    assert graded.message == instant.message


def test_keras_models_come_back_in_safe_mode(tmp_path):
    from course_utils.lesson.notebook_setup import import_tensorflow_quietly

    _, keras = import_tensorflow_quietly()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=2, verbose=0)
    back = _round_trip({"m": model}, tmp_path)["m"]
    assert int(back.optimizer.iterations) == 2 and back.layers[-1].activation.__name__ == "sigmoid"
    x = np.array([[0.0, 1.0]], dtype="float32")
    np.testing.assert_allclose(np.asarray(back(x)), np.asarray(model(x)), rtol=1e-6)
    # a Lambda layer carries Python code: safe mode refuses to load it
    evil = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2)])
    refused = _round_trip({"m": evil}, tmp_path / "evil")["m"]
    assert isinstance(refused, Unsupported) and "safe mode" in refused.type_name
