"""Engine jobs in the window: progress and Cancel in the status bar, previews, failures.

Every feature that runs engine work (Generate, Decompose, model downloads
that belong to the window...) submits it here instead of talking to the
worker itself:

    job = window.jobs.submit(Job("Generate layer", run, on_finished=apply),
                             canvas=session.canvas, preview_box=window_box)

While the job runs, the status bar shows its name, its step and a progress
bar with a Cancel button; Esc cancels too. Step previews the job sends
(`progress(step, total, preview)`) are drawn on `canvas` scaled into
`preview_box` as an overlay (`CanvasView.set_overlay`), never as a layer,
and removed when the job ends. A failure is shown as one dialog titled
`failure_title` (a quiet job, such as the engine warm-up, only says it in
the status bar); the job's own `on_finished` runs only after success, so a
failed or cancelled job leaves the document as it was.

Quiet background work (the engine warm-up) goes to `submit_background`
instead: it runs on its own thread (`editor.jobs.BackgroundRunner`), never
in the user's queue, shows nothing while it runs and only says a failure in
the status bar; closing the window does not wait for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from editor.jobs import CANCELLED, FAILED, BackgroundRunner, Job, JobRunner, operation_job
from engine.box import Box
from engine.errors import ModelError

from . import dialogs
from .icons import icon

if TYPE_CHECKING:
    from .canvas import CanvasView
    from .window_api import EditorWindow

PREVIEW_OVERLAY = "job-preview"


@dataclass
class _Target:
    canvas: Optional["CanvasView"]
    box: Optional[Box]
    failure_title: str


class JobStatus(QWidget):
    """The status bar's part for the running job: name and step, progress bar, Cancel."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("JobStatus")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(8)
        self.label = QLabel()
        self.label.setObjectName("JobLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("JobProgress")
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("JobCancel")
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.cancel_button.setToolTip("Cancel the running job (Esc)")
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def show_job(self, name: str, step: int = 0, total: int = 0) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(step, total))
            self.label.setText(f"{name} · step {step} of {total}")
        else:
            self.bar.setRange(0, 0)  # busy, no steps known yet
            self.label.setText(f"{name}…")
        self.show()

    def show_cancelling(self, name: str) -> None:
        self.label.setText(f"{name} · cancelling…")
        self.cancel_button.setEnabled(False)

    def clear(self) -> None:
        self.hide()
        self.cancel_button.setEnabled(True)
        self.label.clear()
        self.bar.reset()


class JobUI(QObject):
    """The window's engine jobs: one worker thread (`runner`), their status, previews and errors."""

    job_started = Signal(object)  # the Job
    job_ended = Signal(object)    # the Job; its state is FINISHED, FAILED or CANCELLED

    def __init__(self, window: "EditorWindow", runner: Optional[JobRunner] = None):
        super().__init__(window)
        self.window = window
        self.runner = runner or JobRunner(self)
        self.background = BackgroundRunner(self)
        self.background.ended.connect(self._report)
        self.status = JobStatus()
        self._targets: dict[Job, _Target] = {}
        self.cancel_action = QAction("Cancel Job", window)
        self.cancel_action.setObjectName("cancel_job")
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setEnabled(False)  # Esc belongs to the widgets unless a job runs
        self.cancel_action.triggered.connect(self.cancel)
        window.addAction(self.cancel_action)
        self.status.cancel_button.clicked.connect(self.cancel)
        self.runner.started.connect(self._started)
        self.runner.progress.connect(self._progress)
        self.runner.preview.connect(self._preview)
        self.runner.ended.connect(self._ended)

    # -- API -------------------------------------------------------------------------------
    def submit(self, job: Job, *, canvas: Optional["CanvasView"] = None,
               preview_box: Optional[Box] = None, failure_title: Optional[str] = None) -> Job:
        """Queues `job`; its previews are drawn on `canvas` inside image box `preview_box`."""
        self._targets[job] = _Target(canvas, preview_box, failure_title or f"{job.name} failed")
        return self.runner.submit(job)

    def submit_operation(self, name: str, run, prepared, apply, failure_title: str) -> Job:
        """An editor/model operation on the current document: its worker part
        `run(prepared, progress)` as job `name`; when it finishes, `apply(result)` on the GUI
        thread (a string it returns goes to the status bar; its error is reported in one
        line under `failure_title`), unless the document was closed meanwhile."""
        w = self.window
        session = w.session

        def land(result) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile: it takes nothing
            try:
                message = apply(result)
            except Exception as exc:
                w.report(exc, failure_title)
                return
            if message:
                w.status(message)

        job = operation_job(name, run, prepared, on_finished=land)
        return self.submit(job, canvas=session.canvas, failure_title=failure_title)

    def submit_prepared(self, name: str, prepare, run, apply,
                        failure_title: str) -> Optional[Job]:
        """`submit_operation` of what `prepare()` returns, on the GUI thread first: its
        refusal is reported in one line under `failure_title` (no job), None is nothing to
        do (no job); `apply(prepared, result)` lands it."""
        try:
            prepared = prepare()
        except Exception as exc:
            self.window.report(exc, failure_title)
            return None
        if prepared is None:
            return None
        return self.submit_operation(name, run, prepared,
                                     lambda result: apply(prepared, result), failure_title)

    def submit_background(self, job: Job) -> Job:
        """Runs quiet `job` (a preload) on the background thread: the user's jobs do not wait
        for it, and it has no progress, Cancel or preview of its own."""
        job.quiet = True
        return self.background.submit(job)

    def cancel(self) -> None:
        """Cancels the running job (Esc, the Cancel button)."""
        job = self.runner.current
        if job is not None and not job.token.cancelled:
            job.cancel()
            self.status.show_cancelling(job.name)

    @property
    def current(self) -> Optional[Job]:
        return self.runner.current

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def forget_canvas(self, canvas: "CanvasView") -> None:
        """The canvas is closing: its jobs' previews go nowhere any more."""
        for target in self._targets.values():
            if target.canvas is canvas:
                target.canvas = None

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancels every job and stops the worker (the window is closing); a model still
        loading in the background is not waited for (its daemon thread finishes alone)."""
        self.background.shutdown(0)
        return self.runner.shutdown(timeout_ms)

    # -- runner signals ----------------------------------------------------------------------
    def _started(self, job: Job) -> None:
        self.status.show_job(job.name)
        self.cancel_action.setEnabled(True)
        self.job_started.emit(job)

    def _progress(self, step: int, total: int) -> None:
        job = self.runner.current
        if job is not None and not job.token.cancelled:
            name = job.step_label(step, total) if job.step_label is not None else job.name
            self.status.show_job(name, step, total)

    def _preview(self, image) -> None:
        job = self.runner.current
        target = self._targets.get(job) if job is not None else None
        if target is None or target.canvas is None or target.box is None:
            return
        try:
            target.canvas.set_overlay(PREVIEW_OVERLAY, image, target.box, frame=True)
        except ValueError:
            pass  # a preview in a shape the canvas cannot show is skipped, the job goes on

    def _ended(self, job: Job) -> None:
        target = self._targets.pop(job, None)
        if target is not None and target.canvas is not None:
            target.canvas.clear_overlay(PREVIEW_OVERLAY)
        if self.runner.current is None:
            self.status.clear()
            self.cancel_action.setEnabled(False)
        self._report(job, target)
        self.job_ended.emit(job)

    def _report(self, job: Job, target: Optional[_Target] = None) -> None:
        """Tells the user how `job` ended, if it needs saying (a quiet job: status bar only)."""
        if job.state == FAILED:
            if job.quiet:
                self.window.status(f"{job.name}: {job.error}")
            else:
                title = target.failure_title if target else job.name
                if isinstance(job.exception, ModelError):  # the Models dialog is where to fix it
                    if dialogs.ask_open_models(self.window, title, job.error or "The job failed."):
                        self.window.show_models()
                else:
                    dialogs.show_error(self.window, title, job.error or "The job failed.")
        elif job.state == CANCELLED and not job.quiet:
            self.window.status(f"{job.name} cancelled.")

