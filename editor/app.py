"""Starting the desktop editor: the Qt application, its dark theme, the main window.

`run(files)` is what `python main.py [FILE...]` calls. Only Qt, numpy and the
document model are imported here: Pillow, psd-tools and OpenCV load when a
file is first read, torch and the engine only when a generation job runs.

`LAYERED_FIRST_PAINT_FILE` (environment): the time of the window's first
paint is written there (used by bench/bench_ui.py to time start-up).
"""
from __future__ import annotations

import os
import sys
import time
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

import resources

from editor.platform_check import xcb_problem
from editor.ui import worker
from editor.ui.icons import ICON_DIR, icon
from editor.ui.main_window import MainWindow

THEME = os.path.join(os.path.dirname(os.path.abspath(resources.__file__)), "theme", "dark.qss")


def dark_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#1e1f22", QPalette.ColorRole.WindowText: "#d7dae0",
        QPalette.ColorRole.Base: "#1a1b1e", QPalette.ColorRole.AlternateBase: "#26282c",
        QPalette.ColorRole.ToolTipBase: "#2a2c31", QPalette.ColorRole.ToolTipText: "#e6e8ec",
        QPalette.ColorRole.Text: "#d7dae0", QPalette.ColorRole.Button: "#33363c",
        QPalette.ColorRole.ButtonText: "#d7dae0", QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#3d7bd9", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb0f5", QPalette.ColorRole.PlaceholderText: "#6a6f78",
        QPalette.ColorRole.Mid: "#2a2c31", QPalette.ColorRole.Dark: "#111214",
        QPalette.ColorRole.Light: "#3a3d43", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6a6f78"))
    return p


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(dark_palette())

    with open(THEME, encoding="utf-8") as f:
        # Style sheets need absolute paths for images.
        app.setStyleSheet(f.read().replace("@ICONS@", ICON_DIR.replace(os.sep, "/")))


def create_application(argv: Optional[list[str]] = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Layered")
    app.setOrganizationName("Layered")

    app.setWindowIcon(icon("layers"))
    apply_theme(app)
    return app


class _FirstPaint(QObject):
    """Writes the time of the window's first paint to a file, then removes itself."""

    def __init__(self, window: QWidget, path: str):
        super().__init__()
        self.window, self.path = window, path

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is self.window:
            QApplication.instance().removeEventFilter(self)
            with open(self.path, "w", encoding="utf-8") as f:
                f.write(f"{time.time():.6f}\n")
        return False


def start_window(files: list[str], settings=None):
    """Shows a main window, opens `files`, and offers to restore work after a crash."""
    window = MainWindow(settings)
    marker = os.environ.get("LAYERED_FIRST_PAINT_FILE")
    if marker:
        window._first_paint = _FirstPaint(window, marker)
        QApplication.instance().installEventFilter(window._first_paint)
    window.show()
    window.files.open_paths(files)
    QTimer.singleShot(0, window.offer_recovery)
    return window


def run(files: list[str]) -> int:
    problem = xcb_problem()
    if problem is not None:  # Qt would abort with a less helpful message
        print(problem, file=sys.stderr)
        return 2
    app = create_application()
    window = start_window(files)
    code = app.exec()
    worker.wait_all()  # a file still being read when the window closed
    # A model still loading in the background when the window closed: the window has gone,
    # let the load end before Python tears torch down under it (the thread is a daemon, so a
    # load that takes longer does not keep the process alive).
    window.jobs.background.shutdown(30000)
    del window
    return code

