"""Helpers for driving the editor window in tests (pytest-qt, offscreen)."""
from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from _decompose_scenes import scene
from editor.ui.qimage import rgba_to_qimage


def isolated_settings(tmp_path):
    """Settings and recovery folder in `tmp_path` (never the user's), without the warm-up; a
    test passes them to several windows to see what a restart keeps."""
    from editor.ui.settings import Settings

    settings = Settings(QSettings(os.path.join(str(tmp_path), "settings.ini"),
                                  QSettings.Format.IniFormat))
    settings.recovery_dir = os.path.join(str(tmp_path), "recovery")
    settings.warm_up = False  # tests never load the user's models in the background
    return settings


def make_window(qtbot, tmp_path, monkeypatch=None, size=(1200, 800), settings=None):
    """A main window with settings and recovery folder in `tmp_path` (never the user's)."""
    from editor.app import apply_theme
    from editor.ui.main_window import MainWindow

    apply_theme(QApplication.instance())
    if settings is None:
        settings = isolated_settings(tmp_path)
        settings.set_value("view/snap", False)  # drags land where the test puts them
    window = MainWindow(settings)
    qtbot.addWidget(window)
    if monkeypatch is not None:
        errors = []
        monkeypatch.setattr("editor.ui.dialogs.show_error",
                            lambda parent, title, message: errors.append((title, message)))
        window.test_errors = errors
        monkeypatch.setattr("editor.ui.dialogs.ask_open_models",
                            lambda parent, title, message: errors.append((title, message)) and False)
        # Closing at the end of a test must not wait for an answer.
        monkeypatch.setattr("editor.ui.dialogs.ask_save_changes", lambda parent, name: "discard")
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def image_pos(canvas, x: float, y: float) -> QPoint:
    """The canvas widget pixel that shows image point (x, y) (where the view is turned too)."""
    return canvas.image_to_screen(QPointF(x, y)).toPoint()


def drag(qtbot, widget, points, button=Qt.MouseButton.LeftButton,
         modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Presses at points[0], moves through the others, releases at the last."""
    from PySide6.QtTest import QTest

    qtbot.mousePress(widget, button, modifier, points[0])
    for p in points[1:]:
        # Unlike qtbot.mouseMove, this keeps the button and modifiers held during the move.
        QTest.mouseEvent(QTest.MouseAction.MouseMove, widget, button, modifier, p)
    qtbot.mouseRelease(widget, button, modifier, points[-1])


def image_drag(qtbot, canvas, points, **kw) -> None:
    drag(qtbot, canvas, [image_pos(canvas, x, y) for x, y in points], **kw)


def write_png(path, pixels: np.ndarray) -> str:
    from PIL import Image

    Image.fromarray(pixels).save(path)
    return str(path)


def photo(width: int, height: int, which: str = "chelsea") -> np.ndarray:
    """A small real photo (skimage.data) as opaque RGBA."""
    import skimage.data
    from PIL import Image

    rgb = getattr(skimage.data, which)()
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    rgb = np.asarray(Image.fromarray(rgb[..., :3]).resize((width, height), Image.Resampling.LANCZOS))
    out = np.empty((height, width, 4), np.uint8)
    out[..., :3] = rgb
    out[..., 3] = 255
    return out


def open_photo(window, qtbot, tmp_path, monkeypatch, width: int, height: int,
               background: bool = False) -> str:
    """Opens a photo of `width` x `height` through File > Open, as a user would; its path.
    The opaque photo opens as Photoshop's Background layer; unless `background`, it is then
    made a plain layer named "cat" (Layer from Background), the starting state (no undo
    step), so the tests of other features can move it, erase it to transparency..."""
    png = write_png(tmp_path / "cat.png", photo(width, height))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    if not background:
        from editor.model.background_layer import layer_from_background

        doc = window.doc
        assert doc.root.children[0].is_background
        layer_from_background(doc, "cat")
        doc.history.clear()
    return png


def photo_window_at_100(qtbot, tmp_path, monkeypatch, width: int = 240, height: int = 180):
    """A window with a `width` x `height` photo opened at 100 %, the canvas focused (the slice
    tests draw in image pixels)."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, width, height)
    w.canvas.set_zoom(1.0)
    w.canvas.setFocus()
    return w


def zoomed_photo_window(qtbot, tmp_path, monkeypatch, width: int, height: int, zoom: float,
                        activate: bool = False):
    """The window with a photo of `width` x `height` opened (`open_photo`), shown at `zoom`,
    the canvas focused: where the path and shape tools' tests click. `activate`: the window
    made the active one first (the tools' letters are the window's shortcuts)."""
    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, width, height)
    window.canvas.set_zoom(zoom)
    if activate:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.canvas.setFocus()
    return window


def pasted_window(qtbot, tmp_path, monkeypatch, pixels: np.ndarray, zoom: float):
    """A window showing `pixels` (pasted, as a user would) at `zoom`, active and with the
    canvas focused: the tools' letters are the window's shortcuts."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(pixels))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    w.canvas.set_zoom(zoom)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    return w


def paste_ball_scene(window, qtbot, size: int):
    """A ball photo (`_decompose_scenes.scene`, with its shadow) pasted from the clipboard,
    as a user would: it opens as a new document. Returns (rgba, box, truth)."""
    image, box, truth = scene(size, shadow=0.5)
    rgba = np.dstack([image, np.full((size, size), 255, np.uint8)])
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    window.actions["paste"].trigger()
    qtbot.waitUntil(lambda: window.doc is not None and len(list(window.doc.layers())) == 1)
    window.canvas.actual_pixels()
    return rgba, box, truth


def on_canvas(canvas) -> np.ndarray:
    """What the canvas paints over the document (RGB int16, one widget pixel per image
    pixel: at 100 %), overlays and tints included."""
    from PySide6.QtGui import QImage

    canvas.repaint()
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
    pixels = rows.reshape(h, image.bytesPerLine())[:, :w * 3].reshape(h, w, 3)
    x, y = round(canvas.origin.x()), round(canvas.origin.y())
    return pixels[y:y + canvas.doc.height, x:x + canvas.doc.width].astype(np.int16)


def ctrl_f(qtbot, w) -> None:
    """Filter > Last Filter by its key (Ctrl+F) on the canvas, the window made active again
    (a dialog had it); waits for the filter's undo step."""
    doc = w.doc
    steps = doc.history.index
    w.update_actions()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)


def in_modal_dialog(qtbot, trigger, drive, name: str) -> dict:
    """Runs `trigger()`; in the modal dialog it opens (object name `name`), calls
    drive(dialog, seen), then presses OK, or Cancel if drive set seen["cancel"]. Returns
    `seen`."""
    seen: dict = {}

    def inside():
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = dialog.objectName() if dialog is not None else None
        try:
            drive(dialog, seen)
            buttons = dialog.findChild(QDialogButtonBox)
            which = QDialogButtonBox.StandardButton.Cancel if seen.get("cancel") \
                else QDialogButtonBox.StandardButton.Ok
            qtbot.mouseClick(buttons.button(which), Qt.MouseButton.LeftButton)
        finally:
            if dialog is not None and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, inside)
    trigger()
    assert seen["dialog"] == name
    return seen


def smart_filter_edited_again(qtbot, w, trigger, drive, check, name: str):
    """The active layer converted to a smart object; the filter's dialog (`trigger`, set by
    `drive(dialog)`) OK'd adds one smart filter; its dialog opened again from that filter
    shows the same operation (and passes `check(dialog)`), and Cancel keeps the filter.
    Returns the operation."""
    from editor.model import smart_object

    smart = smart_object.convert(w.doc, w.doc.active)

    def first(dialog, seen):
        drive(dialog)
        seen["op"] = dialog.operation()

    op = in_modal_dialog(qtbot, trigger, first, name)["op"]
    assert [f.op for f in smart.filters] == [op]

    def again(dialog, seen):
        assert dialog.operation() == op
        check(dialog)
        seen["cancel"] = True

    in_modal_dialog(qtbot, lambda: w.filter_commands.edit_smart_filter(smart, 0), again, name)
    assert [f.op for f in smart.filters] == [op]
    return op


def screen(window) -> np.ndarray:
    """What the canvas shows (the Renderer's 8-bit composite) as RGB ints."""
    renderer = window.session.renderer
    renderer.update()
    return renderer.composite.array[..., [2, 1, 0]].astype(int)


def is_color(pixels: np.ndarray, color) -> np.ndarray:
    """Where `pixels` (RGB) are `color`, give or take a level."""
    return (np.abs(pixels - np.array(color)) <= 1).all(axis=-1)


def open_file(window, qtbot, monkeypatch, path: str) -> None:
    """Opens `path` through File > Open (the file question answered) and waits for it."""
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)


def saved_and_reopened(window, qtbot, monkeypatch, path: str):
    """File > Save As to `path`, the document closed, then opened again through File > Open:
    the reopened document (a new one)."""
    doc = window.doc
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: path)
    window.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    window.close_session(window.session)
    open_file(window, qtbot, monkeypatch, path)
    assert window.doc is not doc
    return window.doc


def editor_widget(window, cls, prefix: str):
    """The shown widget of class `cls` in the Properties panel whose object name starts
    with `prefix` (an adjustment's or fill's editor row)."""
    panel = window.properties_panel
    panel._refresh()
    QApplication.processEvents()  # rows added to a shown panel show from the event loop
    found = [w for w in panel.findChildren(cls) if w.objectName().startswith(prefix)
             and w.isVisibleTo(panel)]
    assert found, prefix
    return found[0]


def status_room(w) -> int:
    """Pixels the status bar's message has in the window: up to its first permanent widget."""
    from PySide6.QtWidgets import QWidget

    bar = w.statusBar()
    lefts = [c.geometry().x() for c in bar.children()
             if isinstance(c, QWidget) and c.isVisible() and c.geometry().x() > 0]
    return min(lefts + [bar.width()]) - 8


def cancel_at_second_item(w, monkeypatch, module, name: str):
    """`module.name` (a job's per-file function) patched so that the worker, at its second
    call, waits until the user has pressed the status bar's Cancel (Esc), which a timer
    polling the job presses as soon as the job is there. Returns the timer (stop it after the
    job)."""
    import threading

    from PySide6.QtCore import QTimer

    first_done, cancelled = threading.Event(), threading.Event()
    original = getattr(module, name)
    calls = []

    def held(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:  # the worker holds the second file until the user has cancelled
            first_done.set()
            assert cancelled.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)

    def cancel_when_first_is_done():
        if first_done.is_set() and not cancelled.is_set() and w.jobs.current is not None:
            w.jobs.cancel()
            cancelled.set()

    # (polled: the job must have started on the GUI side before Cancel finds it)
    timer = QTimer()
    timer.timeout.connect(cancel_when_first_is_done)
    timer.start(10)
    return timer


def panel_item(window, title: str):
    """The Window menu's item for the panel titled `title` (checked when it shows)."""
    return next(a for a in window.menus["window"].actions()
                if a.menu() is None and not a.isSeparator() and a.text() == title)


def window_with_background_color(qtbot, tmp_path, monkeypatch, rgb):
    """A window whose background colour is `rgb` (what a Background layer's new area and
    Backspace paint)."""
    from PySide6.QtGui import QColor

    window = make_window(qtbot, tmp_path, monkeypatch)
    window.set_background(QColor(*rgb))
    return window
