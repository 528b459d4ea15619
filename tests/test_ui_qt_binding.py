"""The Qt binding keeps Python's reference counts right.

PySide6 6.12.0 on Python 3.11 returns None and True without taking a
reference (harmless from Python 3.12, where they are immortal): every void
Qt call or signal emission then lowers their count by one, and after a few
thousand calls the editor dies with "Fatal Python error: none_dealloc".
pyproject.toml excludes that combination; this test names the problem if an
environment still has it.
"""
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_keep_reference_counts(qapp):
    widget = QWidget()
    emitter = _Emitter()
    emitter.fired.connect(lambda: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        widget.setEnabled(True)
        emitter.fired.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    assert lost_none < 50 and lost_true < 50, (
        f"this PySide6 ({__import__('PySide6').__version__}) on Python "
        f"{sys.version.split()[0]} loses references to None/True ({lost_none}/{lost_true} "
        f"per 200 calls) and will crash the editor: install PySide6-Essentials 6.11 or use "
        f"Python 3.12+")
