"""Holds an operation's worker part at a gate, so that a test sees its job running (and
can cancel it) before it ends, however fast or slow the machine is.

    gate = Gate(monkeypatch, color_range, "range_mask")
    ... the user's OK ...
    job = gate.running_job(qtbot, window)   # running off the GUI thread, held
    gate.open()

A call on the GUI thread (a dialog's preview) is not held, and is not counted: code that
still runs the operation on the GUI thread never reaches the gate.
"""
from __future__ import annotations

import threading


class Gate:
    def __init__(self, monkeypatch, owner, name: str, timeout: float = 10.0):
        self.event = threading.Event()
        self.calls = 0                      # calls off the GUI thread
        original = getattr(owner, name)

        def held(*args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                self.calls += 1
                self.event.wait(timeout)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)

    @property
    def reached(self) -> bool:
        return self.calls > 0

    def open(self) -> None:
        self.event.set()

    def running_job(self, qtbot, window):
        """Waits until the work is held here and the window shows its job; the job."""
        qtbot.waitUntil(lambda: self.reached and window.jobs.current is not None,
                        timeout=5000)
        return window.jobs.current


def press_esc(qtbot, window) -> None:
    """Esc on the canvas, as a user cancels the running job (the window active again after
    a dialog)."""
    from PySide6.QtCore import Qt

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
