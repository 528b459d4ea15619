"""editor.jobs: the worker thread, its signals, cancel, failures and the warm-up job."""
import threading
import time

import numpy as np
import pytest

from editor.jobs import (CANCELLED, FAILED, FINISHED, BackgroundRunner, Job, JobRunner,
                         generate_job, warm_up_job)
from editor.model import Document
from engine.box import Box
from engine.errors import InvalidInput
from engine.testing import tiny


@pytest.fixture
def runner(qtbot):
    runner = JobRunner()
    yield runner
    assert runner.shutdown(10000)


def counting_job(steps, delay=0.0, seen=None, **callbacks):
    def run(progress):
        for i in range(1, steps + 1):
            time.sleep(delay)
            if seen is not None:
                seen.append(i)
            progress(i, steps, np.full((2, 2, 3), i, np.uint8))
        return f"done {steps}"

    return Job(f"count {steps}", run, **callbacks)


def test_progress_preview_and_result_arrive_on_the_gui_thread(qtbot, runner):
    progress, previews, threads = [], [], []
    runner.progress.connect(lambda s, t: (progress.append((s, t)),
                                          threads.append(threading.current_thread())))
    runner.preview.connect(previews.append)
    with qtbot.waitSignal(runner.finished, timeout=5000) as finished:
        job = runner.submit(counting_job(5))
    assert finished.args == ["done 5"]
    assert progress == [(i, 5) for i in range(1, 6)]
    assert [int(p[0, 0, 0]) for p in previews] == [1, 2, 3, 4, 5]
    assert all(t is threading.main_thread() for t in threads)
    assert job.state == FINISHED and job.result == "done 5" and not runner.busy


def test_cancel_stops_the_job_within_one_step_and_applies_nothing(qtbot, runner):
    doc = Document(32, 32)
    seen = []
    job = counting_job(2000, delay=0.002, seen=seen,
                       on_finished=lambda result: doc.add_image(
                           np.zeros((4, 4, 4), np.uint8), "should not appear"))
    finished = []
    runner.finished.connect(finished.append)
    with qtbot.waitSignal(runner.progress, timeout=5000):
        runner.submit(job)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    stopped_at = len(seen)
    time.sleep(0.05)
    assert len(seen) == stopped_at < 2000  # the job ran no further
    assert job.state == CANCELLED and not finished
    assert list(doc.layers()) == [] and not doc.history.can_undo()


def test_cancel_after_the_last_step_still_discards_the_result(qtbot, runner):
    gate = threading.Event()

    def run(progress):
        progress(1, 1)
        gate.wait(5)
        return "late"

    finished = []
    runner.finished.connect(finished.append)
    with qtbot.waitSignal(runner.progress, timeout=5000):
        job = runner.submit(Job("late", run))
    runner.cancel(job)
    gate.set()
    qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=5000)
    assert not finished


def test_failures_become_one_line_messages(qtbot, runner):
    def bad_input(progress):
        raise InvalidInput("The box is empty (0x0).", "Draw a box around the area first.")

    def crash(progress):
        {}["missing"]

    messages = []
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        job = runner.submit(Job("bad", bad_input, on_failed=messages.append))
    assert failed.args == ["The box is empty (0x0). Draw a box around the area first."]
    assert messages == failed.args and job.state == FAILED
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        runner.submit(Job("crash", crash))
    assert failed.args == ["KeyError: 'missing'"]
    # The runner keeps working after failures.
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit(counting_job(1))


def test_jobs_queue_in_order_and_cancel_all_skips_the_rest(qtbot, runner):
    order = []
    runner.started.connect(lambda job: order.append(job.name))
    gate = threading.Event()
    first = runner.submit(Job("first", lambda progress: gate.wait(5) and "a"))
    second = runner.submit(Job("second", lambda progress: "b"))
    third = runner.submit(Job("third", lambda progress: "c"))
    assert runner.pending == [first, second, third]
    qtbot.waitUntil(lambda: runner.current is first, timeout=5000)
    runner.cancel(second)
    gate.set()
    with qtbot.waitSignal(runner.idle, timeout=5000):
        pass
    assert order == ["first", "third"]
    assert (first.state, second.state, third.state) == (FINISHED, CANCELLED, FINISHED)
    gate.clear()
    jobs = [runner.submit(Job(f"j{i}", lambda progress: gate.wait(5))) for i in range(3)]
    qtbot.waitUntil(lambda: runner.current is jobs[0], timeout=5000)
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.cancel_all()
        gate.set()
    assert [j.state for j in jobs] == [CANCELLED] * 3


def test_background_work_runs_beside_the_queue_and_is_not_waited_for(qtbot, runner):
    """A preload on the BackgroundRunner holds no user job up, and stopping the runner
    (the window closing) does not wait for it; a later submit starts a new thread."""
    background = BackgroundRunner()
    gate = threading.Event()
    preload = background.submit(Job("Loading model", lambda progress: gate.wait(30) and "m"))
    qtbot.waitUntil(lambda: background.current is preload, timeout=5000)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        job = runner.submit(Job("Fill", lambda progress: "filled"))
    assert job.state == FINISHED and preload.state == "running"
    began = time.monotonic()
    assert not background.shutdown()  # still loading: left to its daemon thread
    assert time.monotonic() - began < 0.5
    gate.set()
    qtbot.waitUntil(lambda: preload.state == CANCELLED, timeout=5000)
    with qtbot.waitSignal(background.finished, timeout=5000) as finished:
        background.submit(Job("again", lambda progress: "ok"))
    assert finished.args == ["ok"]
    assert background.shutdown(5000)


def test_warm_up_loads_the_model_in_the_background(qtbot, runner, monkeypatch):
    from engine.models import loading

    monkeypatch.setattr(loading, "MODELS", loading.ModelCache())
    folder = str(tiny.cached_tiny("sd-inpaint"))
    with qtbot.waitSignal(runner.finished, timeout=60000) as finished:
        job = runner.submit(warm_up_job(folder))
    assert job.quiet
    model = finished.args[0]
    assert type(model.pipeline).__name__ == "StableDiffusionInpaintPipeline"
    assert loading.get_pipeline(folder) is model  # the generation will reuse it


def test_warm_up_of_a_missing_model_fails_quietly_with_advice(qtbot, runner, tmp_path):
    with qtbot.waitSignal(runner.failed, timeout=30000) as failed:
        runner.submit(warm_up_job(str(tmp_path / "nowhere")))
    assert "no such model file or folder" in failed.args[0]


def test_generate_job_with_a_tiny_model(qtbot, runner, monkeypatch):
    from editor.model.generate_apply import GenerateSpec, apply_candidate, prepare
    from engine.models import loading

    monkeypatch.setattr(loading, "MODELS", loading.ModelCache())
    doc = Document(128, 96)
    doc.add_image(np.full((96, 128, 4), 120, np.uint8), "Background", 0, 0)
    request = prepare(doc, GenerateSpec(prompt="a red ball", steps=3, resolution=64,
                                        model=str(tiny.cached_tiny("sd-inpaint"))),
                      Box(40, 30, 30, 30))

    def apply(result):
        apply_candidate(doc, request.placement, result.candidates[0])

    progress, previews = [], []
    runner.progress.connect(lambda s, t: progress.append((s, t)))
    runner.preview.connect(previews.append)
    with qtbot.waitSignal(runner.finished, timeout=60000):
        runner.submit(generate_job(request, on_finished=apply))
    assert progress[-1][0] == progress[-1][1] and len(previews) == 3
    background, layer = list(doc.layers())
    assert layer.recipe["prompt"] == "a red ball"
    doc.history.undo()
    assert list(doc.layers()) == [background]
