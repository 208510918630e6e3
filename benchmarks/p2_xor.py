"""P2: XOR with the slide's mathematics — plain ``model.fit`` vs the course's ``fit_fast``.

The slide trains a 2-4-5-1 sigmoid net with SGD (learning rate 0.5) and binary
cross-entropy for 2000 full-batch steps: ``model.fit(x, y, epochs=2000, batch_size=4)``.
Both ways start from the same weights in the same run, so their final weights must agree.
Goals: fit_fast ≥ 30× faster; 20/20 seeds reach 100 % accuracy with the course's budget
(``course_utils.lesson.xor.XOR_EPOCHS``).

    python -m benchmarks.p2_xor
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._common import machine_line, print_table, verdict

SLIDE_EPOCHS = 2000
GOAL_SPEEDUP = 30.0


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> dict:
    from course_utils.lesson.notebook_setup import setup_notebook

    print(f"P2 · XOR 2-4-5-1 sigmoid, SGD 0.5, BCE · {machine_line()}")
    setup_notebook(seed=0)  # before Keras is imported, so TensorFlow's start-up logs stay quiet
    import keras

    from course_utils.lesson.training import fit_fast
    from course_utils.lesson.xor import XOR_EPOCHS, XOR_X, XOR_Y, build_xor_mlp

    plain = build_xor_mlp()
    fast = build_xor_mlp()
    fast.set_weights(plain.get_weights())
    _, t_plain = _timed(lambda: plain.fit(XOR_X, XOR_Y, epochs=SLIDE_EPOCHS, batch_size=4, shuffle=False, verbose=0))
    _, t_fast = _timed(lambda: fit_fast(fast, XOR_X, XOR_Y, epochs=SLIDE_EPOCHS, batch_size=4, progress="none"))
    max_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(plain.get_weights(), fast.get_weights()))
    speedup = t_plain / t_fast
    print_table(["way", "seconds for 2000 steps", "ms per step"],
                [["model.fit(epochs=2000, batch_size=4)", t_plain, 1000 * t_plain / SLIDE_EPOCHS],
                 ["fit_fast(epochs=2000)", t_fast, 1000 * t_fast / SLIDE_EPOCHS]])
    print(f"speed-up {speedup:.1f}×; largest weight difference between the two ways {max_diff:.2e}")

    rows, solved_slide, solved_course = [], 0, 0
    for seed in range(20):
        keras.utils.set_random_seed(seed)
        model = build_xor_mlp()
        init = model.get_weights()
        fit_fast(model, XOR_X, XOR_Y, epochs=SLIDE_EPOCHS, progress="none")
        acc_slide = float(np.mean((np.asarray(model(XOR_X)) > 0.5) == XOR_Y))
        model.set_weights(init)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
                      metrics=["binary_accuracy"])
        fit_fast(model, XOR_X, XOR_Y, epochs=XOR_EPOCHS, progress="none")
        acc_course = float(np.mean((np.asarray(model(XOR_X)) > 0.5) == XOR_Y))
        solved_slide += acc_slide == 1.0
        solved_course += acc_course == 1.0
        rows.append([seed, acc_slide, acc_course])
    print_table(["seed", f"accuracy after {SLIDE_EPOCHS}", f"accuracy after {XOR_EPOCHS} (course)"], rows)
    ok = speedup >= GOAL_SPEEDUP and solved_course == 20 and max_diff < 1e-4
    print(f"P2 summary: fit_fast {speedup:.0f}× faster (goal ≥ {GOAL_SPEEDUP:g}×), seeds solved "
          f"{solved_slide}/20 at {SLIDE_EPOCHS} steps and {solved_course}/20 at the course's {XOR_EPOCHS} "
          f"(goal 20/20) — {verdict(ok)}")
    return {"P2": ok, "speedup": speedup, "solved_course": solved_course, "solved_slide": solved_slide}


if __name__ == "__main__":
    raise SystemExit(0 if main()["P2"] else 1)
