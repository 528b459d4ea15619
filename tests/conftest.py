"""Shared test set-up: headless Qt, and the repository root on sys.path."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The same fonts on every machine (tests/fonts/README.md): set before Qt starts fontconfig;
# the command-line tests' subprocesses inherit it.
os.environ["FONTCONFIG_FILE"] = os.path.join(ROOT, "tests", "fonts", "fonts.conf")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


import pytest  # noqa: E402  (after the path is set: the fixtures below import the editor)


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    """A main window with a 96x64 photo opened through File > Open (a test module may
    define its own `opened` instead)."""
    from ui_helpers import make_window, open_photo

    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, 96, 64)
    return window
