"""A dialog's live preview computed on the worker thread a moment after the last change.

One preview runs at a time; a change while one runs asks for another as soon as it lands
(the settings are read again then); nothing lands after the dialog closed. Select and Mask
and Sky Replacement preview this way.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer

from . import worker


class DebouncedPreview:
    """`work()` (on the GUI thread) returns the function to run on the worker; its result
    goes to `landed`, an exception to `failed` (both on the GUI thread)."""

    def __init__(self, parent: QObject, interval_ms: int, work: Callable[[], Callable],
                 landed: Callable[[object], None], failed: Callable[[BaseException], None]):
        self._work, self._landed, self._failed = work, landed, failed
        self.running = False  # a preview is being computed
        self._stale = False   # the settings changed while it was
        self.closed = False
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.start)

    def schedule(self, *_args) -> None:
        """A preview a moment after the last change (one per pause, not one per change)."""
        if not self.closed:
            self._timer.start()

    def start(self) -> None:
        """A preview now (or as soon as the one running lands)."""
        if self.closed:
            return
        if self.running:
            self._stale = True
            return
        self.running, self._stale = True, False
        worker.start(self._work(), self._done, self._error)

    def close(self) -> None:
        self.closed = True
        self._timer.stop()

    def _done(self, result) -> None:
        self.running = False
        if self.closed:
            return
        self._landed(result)
        if self._stale:
            self.start()

    def _error(self, exc: BaseException) -> None:
        self.running = False
        if not self.closed:
            self._failed(exc)
