"""Autosave and crash recovery: a real `python main.py` is killed after an autosave, and the
next start offers the work back."""
from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from editor.model import Document
from editor.model.render import composite_document
from editor.ui.autosave import find_orphans
from editor.ui.settings import Settings

from ui_helpers import make_window, photo, write_png

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Imported by the editor's Python at start-up (it is on PYTHONPATH as sitecustomize):
# once the window shows a document, it paints a brush stroke with real mouse events,
# as a user would, and saves what the canvas then shows for the test to compare.
DRIVER = textwrap.dedent("""
    import os, threading, time

    def _act():
        from PySide6.QtCore import QPointF, Qt, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication
        windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "MainWindow"]
        if not windows or not windows[0].sessions:
            QTimer.singleShot(50, _act)
            return
        window = windows[0]
        canvas = window.canvas
        QTest.keyClick(canvas, Qt.Key.Key_B)
        points = [canvas.image_to_widget(QPointF(x, 30)).toPoint() for x in (10, 30, 50, 70)]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, p)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])
        import numpy as np
        from editor.model.render import composite_document
        # Written whole, then renamed: the test kills this process once the file exists.
        expect = os.environ["LAYERED_TEST_EXPECT"]
        with open(expect + ".part", "wb") as f:
            np.save(f, composite_document(window.doc))
        os.replace(expect + ".part", expect)

    if os.environ.get("LAYERED_TEST_EXPECT"):
        # Everything Qt is touched here, on the main thread: PySide6 initialises its types
        # lazily and not thread-safely, so a second thread importing them while the editor
        # starts can break the editor's own first use of them. The helper thread only
        # waits for the application and posts an event; _act runs on the main thread.
        from PySide6.QtCore import QCoreApplication, QEvent, QObject
        _USER = QEvent.Type.User

        class _Poke(QObject):
            def event(self, e):
                if e.type() == _USER:
                    _act()
                    return True
                return super().event(e)

        _poke = _Poke()

        def _wait_for_the_application():
            while QCoreApplication.instance() is None:
                time.sleep(0.02)
            QCoreApplication.postEvent(_poke, QEvent(_USER))

        threading.Thread(target=_wait_for_the_application, daemon=True).start()
""")


def _settings(config: str) -> Settings:
    settings = Settings(QSettings(os.path.join(config, "layered.ini"), QSettings.Format.IniFormat))
    settings.recovery_dir = os.path.join(config, "recovery")
    return settings


def answer_dialog(button_text: str, seen: list) -> None:
    """Clicks `button_text` in the next modal dialog, recording its text."""
    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
    QTimer.singleShot(0, click)


def test_recovery_after_the_editor_is_killed(qtbot, tmp_path, monkeypatch):
    config = str(tmp_path / "config")
    os.makedirs(config)
    with open(os.path.join(config, "layered.ini"), "w") as f:
        f.write("[autosave]\ninterval_seconds=1\n")
    png = write_png(tmp_path / "cat.png", photo(80, 60))
    driver = tmp_path / "driver"
    driver.mkdir()
    (driver / "sitecustomize.py").write_text(DRIVER)
    expect = str(tmp_path / "expected.npy")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LAYERED_CONFIG_DIR=config,
               LAYERED_TEST_EXPECT=expect,
               PYTHONPATH=os.pathsep.join([str(driver), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "main.py", png], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        pattern = os.path.join(config, "recovery", "session-*", "*.json")
        while time.time() < deadline and proc.poll() is None and not (
                os.path.exists(expect) and glob.glob(pattern)):
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read().decode()
        assert os.path.exists(expect) and glob.glob(pattern), "no autosave happened"
    finally:
        proc.send_signal(signal.SIGKILL)  # a crash: no chance to clean up
        proc.wait()

    # The next start finds the work and offers it back.
    window = make_window(qtbot, tmp_path, monkeypatch, settings=_settings(config))
    seen: list = []
    answer_dialog("Restore", seen)
    window.offer_recovery()
    assert seen and "cat.png" in seen[0]
    assert len(window.sessions) == 1
    session = window.session
    assert session.modified and window.windowTitle().startswith("cat.png* — ")
    assert session.doc.source_path == os.path.abspath(png)
    painted = np.load(expect)
    assert (painted[30, 20:60, :3] == 0).all()  # the driver's black stroke is in it
    assert np.array_equal(composite_document(session.doc), painted)
    # The old run's folder is gone; the work now lives in this run's folder.
    folders = glob.glob(os.path.join(config, "recovery", "session-*"))
    assert folders == [window.autosaver.directory]
    assert os.path.exists(os.path.join(window.autosaver.directory, session.uid + ".psd"))
    window.close()  # a normal exit removes it
    assert glob.glob(os.path.join(config, "recovery", "session-*")) == []


def _doc(width=64, height=48) -> Document:
    doc = Document(width, height)
    doc.add_image(photo(width, height), "Background", 0, 0)
    return doc


def test_autosave_writes_changed_documents_and_forgets_saved_ones(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    session = window.add_session(_doc(), "Untitled-1")
    saver = window.autosaver
    saver.save_now()
    assert not saver.busy()  # nothing changed yet: nothing to write
    session.doc.new_layer()
    saver.save_now()
    qtbot.waitUntil(lambda: not saver.busy() and session.autosaved_version == session.version,
                    timeout=20000)
    psd = os.path.join(saver.directory, session.uid + ".psd")
    assert os.path.exists(psd)
    # A live run's folder is not offered to another start.
    assert find_orphans(window.settings.recovery_dir) == []
    target = str(tmp_path / "saved.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
    window.actions["save"].trigger()
    assert not os.path.exists(psd)  # saved for real: the recovery copy is dropped


def test_autosave_retries_when_a_stroke_changes_pixels_during_the_write(qtbot, tmp_path, monkeypatch):
    """The snapshot shares pixel arrays; an in-place edit during the write discards that file."""
    import editor.ui.autosave as autosave
    from editor.model.files import open_document
    from engine.box import Box

    window = make_window(qtbot, tmp_path, monkeypatch)
    session = window.add_session(_doc(), "Untitled-1")
    doc = session.doc
    layer = next(doc.layers())
    real_save = autosave._save
    writes = []

    def slow_save(snap, path):
        writes.append(path)
        time.sleep(0.4)
        real_save(snap, path)

    monkeypatch.setattr(autosave, "RETRY_MS", 50)
    monkeypatch.setattr(autosave, "_save", slow_save)
    # Strokes edit the layer's array in place (the opening History snapshot, sharing it,
    # keeps only the tiles they change), so the stroke below edits the very array the
    # writer reads.
    edit = doc.begin_pixel_edit(layer, "Brush")
    edit.apply(doc, Box(8, 8, 4, 4), lambda view: view.__setitem__(Ellipsis, 9))
    doc.end_pixel_edit(edit)
    doc.set_visible(layer, True)  # any change makes it due
    doc.rename(layer, "Painted")
    window.autosaver.save_now()
    assert window.autosaver.busy()
    edit = doc.begin_pixel_edit(layer, "Brush")
    edit.apply(doc, Box(0, 0, 8, 8), lambda view: view.__setitem__(Ellipsis, 7))
    doc.end_pixel_edit(edit)
    qtbot.waitUntil(lambda: len(writes) >= 2 and not window.autosaver.busy(), timeout=20000)
    psd = os.path.join(window.autosaver.directory, session.uid + ".psd")
    saved = open_document(psd)
    assert np.array_equal(next(saved.layers()).pixels, layer.pixels)
    assert next(saved.layers()).name == "Painted"


def test_discarding_recovered_work_deletes_it(qtbot, tmp_path, monkeypatch):
    recovery = tmp_path / "recovery" / "session-1-dead"
    recovery.mkdir(parents=True)
    from editor.model.files import save_document

    save_document(_doc(), str(recovery / "abc.psd"))
    (recovery / "abc.json").write_text('{"title": "Lost.psd", "path": null, "saved": "now"}')
    window = make_window(qtbot, tmp_path, monkeypatch)
    seen: list = []
    answer_dialog("Discard", seen)
    window.offer_recovery()
    assert "Lost.psd" in seen[0]
    assert not recovery.exists() and window.sessions == []


def _attributes(node) -> dict:
    """Every attribute of a node but its identity and its place in the tree."""
    return {k: v for k, v in vars(node).items() if k not in ("id", "parent", "children", "pixels")}


def test_every_layer_attribute_survives_the_snapshot_and_the_recovery_file(tmp_path):
    from editor.model import Group, Layer
    from editor.model.files import open_document
    from editor.ui.autosave import _save, snapshot

    doc = Document(40, 30)
    pixels = np.random.default_rng(1).integers(0, 256, (12, 10, 4), dtype=np.uint8)
    layer = Layer("Ünïcode layer", pixels, -3, 5, visible=False, opacity=100, blend_mode="multiply",
                  locked=True, recipe={"method": "bfs", "seed": 4, "box": [1, 2, 3, 4]},
                  source_kind="type")
    group = Group("Group", [layer], visible=True, opacity=200, blend_mode="screen", locked=False,
                  expanded=False)
    doc.add_layer(group)
    snap = snapshot(doc)
    (snap_group,) = snap.root.children
    (snap_layer,) = snap_group.children
    # Every attribute a node has, including ones added later, is carried by the layers' copy.
    assert _attributes(snap_group) == _attributes(group)
    assert _attributes(snap_layer) == _attributes(layer)
    assert snap_layer.pixels is layer.pixels  # shared, not copied

    path = str(tmp_path / "recovered.psd")
    _save(snap, path)
    (back,) = open_document(path).layers()
    for key in ("name", "x", "y", "visible", "opacity", "blend_mode", "locked", "recipe"):
        assert getattr(back, key) == getattr(layer, key), key
    np.testing.assert_array_equal(back.pixels, pixels)
    (back_group,) = [n for n in open_document(path).nodes() if isinstance(n, Group)]
    for key in ("name", "visible", "opacity", "blend_mode"):
        assert getattr(back_group, key) == getattr(group, key), key
