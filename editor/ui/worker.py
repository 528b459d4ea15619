"""Running slow file work (opening, autosaving) off the GUI thread.

`start(fn, on_done, on_error)` runs `fn()` on a QThread; the callbacks run
later on the GUI thread with the result or the exception. The thread object
keeps itself alive until it has reported.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QThread, Signal, Slot

_running: set["Call"] = set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signals reach the callbacks through it."""

    def __init__(self, job: "Call"):
        super().__init__()
        self._job = job

    @Slot(object, object)
    def deliver(self, result: Any, error: Optional[BaseException]) -> None:
        self._job._report(result, error)


class Call(QThread):
    """One function call on its own thread (not an engine `editor.jobs.Job`)."""

    finished_with = Signal(object, object)  # (result, error)

    def __init__(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]):
        super().__init__()
        self._fn, self._on_done, self._on_error = fn, on_done, on_error
        self._relay = _Relay(self)
        self.finished_with.connect(self._relay.deliver)
        self.reported = False

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # reported to the GUI thread, never raised there
            self.finished_with.emit(None, exc)
            return
        self.finished_with.emit(result, None)

    def _report(self, result: Any, error: Optional[BaseException]) -> None:
        self.wait()
        self.reported = True
        _running.discard(self)
        if error is None:
            self._on_done(result)
        else:
            self._on_error(error)


def start(fn: Callable[[], Any], on_done: Callable[[Any], None],
          on_error: Callable[[BaseException], None]) -> Call:
    job = Call(fn, on_done, on_error)
    _running.add(job)
    job.start()
    return job


def wait_all(timeout_ms: int = 30000) -> None:
    """Blocks until every running job has finished its work (used when quitting)."""
    for job in list(_running):
        job.wait(timeout_ms)
