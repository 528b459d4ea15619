"""Runs engine jobs on one worker thread and turns their callbacks into Qt signals.

The window submits `Job`s to a `JobRunner`; they run one after another on
a single worker `QThread` (models are large: one at a time is the right
amount of parallelism). While a job runs, the runner emits `progress(step,
total)` and `preview(image)`; at the end exactly one of `finished(result)`,
`failed(message)` or `cancelled()`, followed by `ended(job)` (the job's
`state`, `result` and `error` tell which). All signals are emitted on the GUI
thread, and a job's own `on_finished` / `on_failed` / `on_cancelled`
callbacks run there too, so applying a result to the document happens on
the GUI thread, in one undoable step, and only when the job finished: a job
that fails or is cancelled leaves nothing half-done.

`cancel()` sets the running job's `engine.progress.CancelToken`; the engine
checks it at every step, so a generation stops within one denoising step.
`warm_up_job` imports torch and loads the chosen model in the background so
the first generation starts at once. Such quiet background work goes to a
`BackgroundRunner`: its own worker beside the user's queue, so a user's job
never waits behind a preload (a job that needs the model being loaded waits
for that one load in the engine's model cache and reuses it), and, being a
daemon thread, it never holds up closing the window.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QThread, Signal, Slot

from editor.model.errors import describe
from editor.model.generate_apply import generate
from engine.errors import Cancelled, ModelError
from engine.progress import CancelToken, ProgressFn, cancellable

log = logging.getLogger(__name__)

QUEUED, RUNNING, FINISHED, FAILED, CANCELLED = "queued", "running", "finished", "failed", "cancelled"


class Job:
    """A unit of engine work: `run(progress)` returns the result (runs on the worker thread)."""

    def __init__(self, name: str, run: Callable[[ProgressFn], Any], *,
                 on_finished: Optional[Callable[[Any], None]] = None,
                 on_failed: Optional[Callable[[str], None]] = None,
                 on_cancelled: Optional[Callable[[], None]] = None, quiet: bool = False):
        self.name = name
        self.run = run
        self.on_finished = on_finished
        self.on_failed = on_failed
        self.on_cancelled = on_cancelled
        self.quiet = quiet  # a background job (warm-up): show failures in the status bar only
        # What the status bar calls the job at a step (a job of several phases names its phase);
        # None: its name.
        self.step_label: Optional[Callable[[int, int], str]] = None
        self.token = CancelToken()
        self.state = QUEUED
        self.result: Any = None
        self.error: Optional[str] = None
        self.exception: Optional[BaseException] = None  # what failed, for the failure dialog

    def cancel(self) -> None:
        self.token.cancel()

    def __repr__(self) -> str:
        return f"<Job {self.name!r} {self.state}>"


def _serve(runner: "JobRunner") -> None:
    """Takes jobs from the runner's queue and runs them until it receives None."""
    while True:
        job = runner._queue.get()
        if job is None:
            return
        runner._execute(job)


class _Worker(QThread):
    """The user's queue: one QThread, stopped and waited for when the window closes."""

    def __init__(self, runner: "JobRunner"):
        super().__init__()
        self._runner = runner

    def run(self) -> None:
        _serve(self._runner)


class _DaemonWorker(threading.Thread):
    """A `BackgroundRunner`'s worker: a daemon thread with the QThread calls JobRunner uses.

    Loading a model cannot be cancelled half-way; a daemon thread may be left to finish
    (or to end with the process) when the window closes, where a QThread still running
    when Qt destroys it would abort the program."""

    def __init__(self, runner: "JobRunner"):
        super().__init__(name="background-jobs", daemon=True)
        self._runner = runner

    def run(self) -> None:
        try:
            _serve(self._runner)
        except RuntimeError:  # the runner (its window) was deleted: nobody to tell any more
            log.debug("background runner gone while a job ran", exc_info=True)

    def isRunning(self) -> bool:
        return self.is_alive()

    def wait(self, timeout_ms: int) -> bool:
        self.join(max(0, timeout_ms) / 1000)
        return not self.is_alive()


class JobRunner(QObject):
    started = Signal(object)       # the Job
    progress = Signal(int, int)    # step, total
    preview = Signal(object)       # numpy uint8 RGB(A) image
    finished = Signal(object)      # the result
    failed = Signal(str)           # a one-line message for the user
    cancelled = Signal()
    ended = Signal(object)         # the Job, after its outcome signal (any outcome)
    idle = Signal()                # nothing running or queued any more

    # Emitted on the worker thread, delivered on the GUI thread (queued connections).
    _job_started = Signal(object)
    _job_report = Signal(object, int, int, object)
    _job_done = Signal(object, str, object)

    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self._queue: "queue.Queue[Optional[Job]]" = queue.Queue()
        self._pending: list[Job] = []
        self.current: Optional[Job] = None
        self._job_started.connect(self._on_started)
        self._job_report.connect(self._on_report)
        self._job_done.connect(self._on_done)
        self._worker = self._make_worker()  # started by the first submit

    def _make_worker(self):
        return _Worker(self)

    # -- GUI thread API ----------------------------------------------------------------
    def submit(self, job: Job) -> Job:
        if not self._worker.isRunning():
            self._worker.start()
        self._pending.append(job)
        self._queue.put(job)
        return job

    def cancel(self, job: Optional[Job] = None) -> None:
        """Cancels `job` (default: the running one); a queued job is skipped when reached."""
        job = job or self.current
        if job is not None:
            job.cancel()

    def cancel_all(self) -> None:
        for job in list(self._pending):
            job.cancel()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @property
    def pending(self) -> list[Job]:
        """Jobs submitted and not yet done (the running one first)."""
        return list(self._pending)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancels everything and stops the worker thread; True if it stopped in time."""
        self.cancel_all()
        if not self._worker.isRunning():
            return True
        self._queue.put(None)
        return self._worker.wait(timeout_ms)

    # -- worker thread -----------------------------------------------------------------
    def _execute(self, job: Job) -> None:
        if job.token.cancelled:
            self._job_done.emit(job, CANCELLED, None)
            return
        self._job_started.emit(job)

        def report(step: int, total: int, preview=None) -> None:
            self._job_report.emit(job, int(step), int(total), preview)

        try:
            result = job.run(cancellable(job.token, report))
        except Cancelled:
            self._job_done.emit(job, CANCELLED, None)
        except Exception as exc:  # explained to the user, never a traceback
            log.debug("job %r failed", job.name, exc_info=True)
            job.exception = exc
            self._job_done.emit(job, FAILED, describe(exc, editor=True))
        else:
            # A cancel that arrives after the last step still discards the result.
            self._job_done.emit(job, CANCELLED if job.token.cancelled else FINISHED, result)

    # -- back on the GUI thread ------------------------------------------------------------
    @Slot(object)
    def _on_started(self, job: Job) -> None:
        self.current = job
        job.state = RUNNING
        self.started.emit(job)

    @Slot(object, int, int, object)
    def _on_report(self, job: Job, step: int, total: int, preview) -> None:
        if job is not self.current or job.token.cancelled:
            return  # late news from a job the user already cancelled
        self.progress.emit(step, total)
        if preview is not None:
            self.preview.emit(preview)

    @Slot(object, str, object)
    def _on_done(self, job: Job, outcome: str, payload) -> None:
        if job in self._pending:
            self._pending.remove(job)
        if job is self.current:
            self.current = None
        if outcome == FINISHED:
            job.result = payload
            if job.on_finished is not None:
                try:
                    job.on_finished(payload)
                except Exception as exc:  # e.g. the document refused the result: a failure
                    log.debug("applying the result of %r failed", job.name, exc_info=True)
                    job.exception = exc
                    outcome, payload = FAILED, describe(exc, editor=True)
        job.state = outcome
        if outcome == FINISHED:
            self.finished.emit(payload)
        elif outcome == FAILED:
            job.error = payload
            if job.on_failed is not None:
                job.on_failed(payload)
            self.failed.emit(payload)
        else:
            if job.on_cancelled is not None:
                job.on_cancelled()
            self.cancelled.emit()
        self.ended.emit(job)
        if not self._pending:
            self.idle.emit()


class BackgroundRunner(JobRunner):
    """Quiet background work (the model warm-up) on its own daemon thread, beside the
    user's `JobRunner`: user jobs start at once instead of queueing behind it.

    Same signals and API as JobRunner; `shutdown` waits only `timeout_ms` (default: not
    at all) and leaves a job that is still loading to the daemon thread."""

    def _make_worker(self):
        return _DaemonWorker(self)

    def submit(self, job: Job) -> Job:
        if self._worker.ident is not None and not self._worker.is_alive():
            self._worker = self._make_worker()  # stopped by shutdown; a Python thread starts once
        return super().submit(job)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        return super().shutdown(timeout_ms)


def warm_up_job(model: Optional[str] = None, *, device: str = "auto", dtype: str = "auto",
                cpu_offload: Optional[bool] = None, if_present: bool = False) -> Job:
    """A quiet job that imports torch and loads `model` (default: the catalogue's first).

    With `if_present`, a model that is not on this computer is no failure: the job
    ends with None before importing torch (nothing to warm up)."""

    def run(progress: ProgressFn):
        from engine.models.catalogue import load_catalogue
        from engine.models.locate import find_model

        progress(0, 3)
        ref = model or load_catalogue().default_for("add_foreground").id
        if if_present:
            try:
                find_model(ref)
            except ModelError:
                return None
        progress(1, 3)
        import torch  # noqa: F401  (the import itself is the slow part being done early)

        from engine.models.loading import get_pipeline

        progress(2, 3)
        loaded = get_pipeline(ref, device=device, dtype=dtype, cpu_offload=cpu_offload)
        progress(3, 3)
        return loaded

    return Job("Loading model", run, quiet=True)


def operation_job(name: str, run: Callable[[Any, ProgressFn], Any], prepared: Any,
                  **callbacks) -> Job:
    """A job running an operation's worker part, `run(prepared, progress)` (see editor/model:
    generate_apply.generate, decompose_apply.run, layered_apply.run, ...)."""
    return Job(name, lambda progress: run(prepared, progress), **callbacks)


def generate_job(request, **callbacks) -> Job:
    """A job running editor.model.generate_apply.generate on `request` (a GenerationInput):
    any layer method, candidates in canvas coordinates."""
    return operation_job("Generate layer", generate, request, **callbacks)
