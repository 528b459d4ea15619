"""File > Automate (Batch, Photomerge) and File > Scripts > Load Files into Stack, driven
through the real window's menu actions, their dialogs filled in as a user would."""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np
import pytest
from PIL import Image

from editor.jobs import CANCELLED, FINISHED
from editor.model import action_sets, batch, files, filter_ops, pixel_filters as pf
from editor.model import replay
from editor.model.action_sets import Action, Step
from editor.model.render import composite_document
from editor.ui.automate_commands import BatchDialog, FilesDialog
from ui_helpers import cancel_at_second_item, make_window

BLUR = pf.GaussianBlur(radius=1.5)


def pngs(folder, count=3, size=(20, 14)):
    rng = np.random.default_rng(7)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i in range(count):
        pixels = rng.integers(0, 256, (size[1], size[0], 3), np.uint8)
        path = os.path.join(folder, f"shot{i}.png")
        Image.fromarray(pixels).save(path)
        paths.append(path)
    return paths


def blur_action() -> Action:
    return Action("Blur", "", [Step("filter", replay.operation_settings(BLUR))])


def by_hand(path, action) -> np.ndarray:
    """What opening the file and doing the action's steps one by one gives."""
    doc = files.open_document(path)
    for step in action.steps:
        if step.command == "duplicate_layer":
            doc.duplicate(doc.active)
        else:
            filter_ops.apply(doc, replay.operation(step.settings), doc.active,
                             what="adjust" if "adjust" in step.settings else "filter")
    return composite_document(doc)


def run_batch(qtbot, w, monkeypatch, action, **fields):
    """File > Automate > Batch… with the dialog filled in; waits for the job."""
    w.actions_panel.sets.append(action_sets.ActionSet("Test", [action]))

    def fill(dialog: BatchDialog) -> int:
        dialog.set_box.setCurrentIndex(dialog.set_box.findText("Test"))
        dialog.action_box.setCurrentIndex(dialog.action_box.findText(action.name))
        for name, value in fields.items():
            box = getattr(dialog, name)
            if hasattr(box, "findData"):
                box.setCurrentIndex(box.findData(value))
            elif hasattr(box, "setChecked"):
                box.setChecked(value)
            else:
                box.setText(value)
        return 1

    monkeypatch.setattr(BatchDialog, "exec", fill)
    jobs = []
    monkeypatch.setattr(w.jobs, "submit", lambda job, _s=w.jobs.submit, **k: jobs.append(job)
                        or _s(job, **k))
    w.actions["batch"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=30000)
    return jobs[0] if jobs else None


def no_partials(folder) -> bool:
    return not [n for n in os.listdir(folder) if n.endswith(".part") or n.startswith(".")]


def test_batch_plays_the_sepia_action_on_every_file_as_by_hand(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    sources = pngs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    sepia = action_sets.default_sets()[0].actions[0]
    job = run_batch(qtbot, w, monkeypatch, Action("Sepia", "", sepia.steps),
                    source=str(tmp_path / "in"), folder=str(out), destination="folder")
    assert job.state == FINISHED and not w.test_errors
    assert sorted(os.listdir(out)) == ["shot0.png", "shot1.png", "shot2.png"]
    for path in sources:
        done = files.read_image(out / os.path.basename(path))
        assert np.array_equal(done, by_hand(path, sepia))
        assert not np.array_equal(done, files.read_image(path))  # (the action did something)
    assert not w.sessions  # processed without opening windows
    # Nothing of the batch was recorded by the Actions panel.
    assert all(len(a.steps) == 2 for a in w.actions_panel.sets[-1].actions)


def test_batch_psd_serial_names_and_save_in_place(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    sources = pngs(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "in"),
                    folder=str(out), naming="serial", format="psd")
    assert job.state == FINISHED
    assert sorted(os.listdir(out)) == ["0001.psd", "0002.psd"]
    doc = files.open_document(out / "0002.psd")
    assert np.array_equal(composite_document(doc), by_hand(sources[1], blur_action()))
    # Save and Close: over the files themselves, in their own format.
    before = files.read_image(sources[0])
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "in"),
                    destination="save_close")
    assert job.state == FINISHED
    assert sorted(os.listdir(tmp_path / "in")) == ["shot0.png", "shot1.png"]
    assert not np.array_equal(files.read_image(sources[0]), before)


def test_a_corrupt_file_is_logged_and_the_others_done(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    sources = pngs(tmp_path / "in")
    (tmp_path / "in" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot a picture")
    out, log = tmp_path / "out", tmp_path / "errors.txt"
    out.mkdir()
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "in"),
                    folder=str(out), errors="log", log_path=str(log))
    assert job.state == FINISHED
    assert sorted(os.listdir(out)) == ["shot0.png", "shot1.png", "shot2.png"]
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(tmp_path / "in" / "broken.png") + ": ")
    assert "failed" in w.statusBar().currentMessage()
    # Stop for Errors: the batch ends at the broken file (sorted first), in one line.
    for n in os.listdir(out):
        os.remove(out / n)
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "in"),
                    folder=str(out), errors="stop")
    assert job.state == "failed" and "broken.png" in job.error
    assert os.listdir(out) == []
    assert len(sources) == 3


def test_cancel_after_the_first_file_keeps_it_and_leaves_no_partial_file(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    pngs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    timer = cancel_at_second_item(w, monkeypatch, batch, "process")
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "in"),
                    folder=str(out))
    timer.stop()
    assert job.state == CANCELLED
    assert os.listdir(out) == ["shot0.png"] and no_partials(out)


def test_destination_none_leaves_the_documents_open_and_subfolders_are_read(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    pngs(tmp_path / "in", 1)
    nested = pngs(tmp_path / "in" / "more", 2)
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "in"),
                    destination="none", subfolders=True)
    assert job.state == FINISHED
    assert [s.title for s in w.sessions] == ["shot0.png", "shot0.png", "shot1.png"]
    assert np.array_equal(composite_document(w.sessions[2].doc),
                          by_hand(nested[1], blur_action()))
    assert sorted(os.listdir(tmp_path / "in")) == ["more", "shot0.png"]  # nothing written


def test_batch_refuses_bad_settings_in_one_line(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    job = run_batch(qtbot, w, monkeypatch, blur_action(), source=str(tmp_path / "nowhere"),
                    folder=str(tmp_path))
    assert job is None
    assert len(w.test_errors) == 1 and "does not exist" in w.test_errors[0][1]


# -- Photomerge and Load Files into Stack ---------------------------------------------------

@pytest.fixture
def coffee_halves(tmp_path):
    """Two overlapping crops of skimage's coffee; the right one turned 2° and shifted."""
    from skimage import data

    full = data.coffee()  # 400 x 600
    turned = cv2.warpAffine(full, cv2.getRotationMatrix2D((480, 200), 2.0, 1.0), (600, 400),
                            flags=cv2.INTER_LINEAR)
    left, right = str(tmp_path / "left.png"), str(tmp_path / "right.png")
    Image.fromarray(full[:, :400]).save(left)
    Image.fromarray(turned[10:390, 200:600]).save(right)
    return full, [left, right]


def choose_files(monkeypatch, paths, **options):
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: list(paths))

    def fill(dialog: FilesDialog) -> int:
        dialog.browse()  # Browse… (the file dialog answered above)
        for name, value in options.items():
            box = getattr(dialog, name)
            if hasattr(box, "findData"):
                box.setCurrentIndex(box.findData(value))
            else:
                box.setChecked(value)
        return 1

    monkeypatch.setattr(FilesDialog, "exec", fill)


def test_photomerge_makes_one_panorama_matching_the_photo(qtbot, tmp_path, monkeypatch,
                                                          coffee_halves):
    full, paths = coffee_halves
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths, layout="auto", blend=True)
    w.actions["photomerge"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=60000)
    assert not w.test_errors and len(w.sessions) == 1
    doc = w.doc
    left, right = list(doc.layers())
    assert (left.name, right.name) == ("left", "right")
    assert left.mask is not None and right.mask is not None  # Auto-Blend's Panorama masks
    # The canvas holds both layers whole (the panorama's bounds, nothing cropped).
    for layer in (left, right):
        box = layer.bounds()
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= doc.width and \
            box.y + box.h <= doc.height
    assert doc.width > 560
    comp = composite_document(doc).astype(int)
    photo = comp[left.y:left.y + 400, left.x:left.x + 600]
    overlap = (slice(30, 370), slice(220, 390))   # where the two crops overlap
    diff = np.abs(photo[overlap][..., :3] - full[overlap].astype(int))
    assert (photo[overlap][..., 3] == 255).all()
    assert diff.mean() < 3.0, diff.mean()
    # The right part (only in the turned crop) lands where the photo has it.
    right_part = (slice(40, 360), slice(420, 560))
    assert np.abs(photo[right_part][..., :3] - full[right_part]).mean() < 4.0


def test_photomerge_joins_a_row_whose_ends_share_nothing(qtbot, tmp_path, monkeypatch):
    """Three crops in a row: the first and the third do not overlap, so the third is placed
    onto the second (each file onto one already placed)."""
    from skimage import data

    full = cv2.resize(data.coffee(), (900, 600), interpolation=cv2.INTER_CUBIC)
    paths = []
    for i, (a, b) in enumerate([(0, 400), (250, 650), (500, 900)]):
        paths.append(str(tmp_path / f"part{i}.png"))
        Image.fromarray(full[:, a:b]).save(paths[-1])
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths, layout="collage", blend=True)
    w.actions["photomerge"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=60000)
    assert not w.test_errors
    doc = w.doc
    assert abs(doc.width - 900) <= 4 and abs(doc.height - 600) <= 4
    first = list(doc.layers())[0]
    comp = composite_document(doc).astype(int)[first.y:first.y + 600, first.x:first.x + 900]
    inner = (slice(20, 580), slice(20, 880))
    assert np.abs(comp[inner][..., :3] - full[inner]).mean() < 2.0
    # Two steps: the alignment (the canvas grown with it) and the blend; undo takes both
    # back to the files stacked on the first one's canvas.
    assert doc.history.names() == ["Auto-Align Layers", "Auto-Blend Layers"]
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert doc.size == (400, 600) and [(n.x, n.y) for n in doc.layers()] == [(0, 0)] * 3


def test_load_files_into_stack_makes_a_layer_per_file(qtbot, tmp_path, monkeypatch):
    paths = pngs(tmp_path / "in", 3)
    Image.fromarray(np.zeros((30, 10, 3), np.uint8)).save(tmp_path / "in" / "tall.png")
    paths.append(str(tmp_path / "in" / "tall.png"))
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths)
    w.actions["load_stack"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=30000)
    doc = w.doc
    assert [n.name for n in doc.layers()] == ["shot0", "shot1", "shot2", "tall"]
    assert doc.size == (20, 30)  # the largest file's each side
    layers = list(doc.layers())
    assert np.array_equal(layers[1].pixels, files.read_image(paths[1]))
    assert [(n.x, n.y) for n in layers] == [(0, 8)] * 3 + [(5, 0)]  # centred
    assert len(w.sessions) == 1 and doc.history.names() == []


def test_load_files_into_stack_can_align_them(qtbot, tmp_path, monkeypatch, coffee_halves):
    full, paths = coffee_halves
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths, align=True)
    w.actions["load_stack"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=60000)
    left, right = list(w.doc.layers())
    assert (left.x, left.y) == (0, 0)
    assert abs(right.x - 200) < 25 and abs(right.y) < 25  # moved onto where it lies on the left one's photo
    assert w.doc.size == (400, 400)  # Load Files into Stack does not grow the canvas


def test_a_batch_playing_on_the_worker_does_not_silence_recording_here():
    """`replay.quiet` is per thread: while a batch plays (quiet) on the worker, what the
    user does on the GUI thread is still reported to the Actions panel's recorder."""
    from editor.model.document import Document

    heard, inside, leave = [], threading.Event(), threading.Event()

    def worker():
        with replay.quiet():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    listener = lambda doc, name, settings: heard.append(name)  # noqa: E731
    replay.listen(listener)
    try:
        assert inside.wait(5)
        doc = Document(8, 8)
        doc.new_layer()
        replay.perform(doc, "duplicate_layer")
    finally:
        leave.set()
        thread.join()
        replay.unlisten(listener)
    assert heard == ["duplicate_layer"]


def test_photomerge_offers_photoshops_six_layouts_and_merges_on_a_cylinder(
        qtbot, tmp_path, monkeypatch):
    """The Layout list as Photoshop's; Cylindrical on three views turned 0.5 rad apart (a
    camera of focal length 300 px) makes one row of about 300 x (1.0 + 0.98) px."""
    from test_panorama_projection import F, scene, view

    tex = scene()
    paths = []
    for i, yaw in enumerate((0.0, 0.5, 1.0)):
        paths.append(str(tmp_path / f"view{i}.png"))
        Image.fromarray(view(tex, yaw)).save(paths[-1])
    seen = {}

    def fill(dialog: FilesDialog) -> int:
        box = dialog.layout
        seen["layouts"] = [box.itemText(i) for i in range(box.count())]
        monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: paths)
        dialog.browse()
        box.setCurrentIndex(box.findData("cylindrical"))
        return 1

    monkeypatch.setattr(FilesDialog, "exec", fill)
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.actions["photomerge"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=60000)
    assert seen["layouts"] == ["Auto", "Perspective", "Cylindrical", "Spherical", "Collage",
                               "Reposition"]
    assert not w.test_errors
    assert abs(w.doc.width - F * (1.0 + 2 * np.arctan(160 / F))) < 8
    assert w.settings.value("photomerge/layout") == "cylindrical"
