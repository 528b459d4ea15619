"""File > Scripts > Image Processor… in the real window: its dialog filled in as a user
would, the job run, the JPEG/PSD/TIFF copies checked."""
from __future__ import annotations

import os

import numpy as np
from PIL import Image

from editor.jobs import CANCELLED, FINISHED
from editor.model.file_info import document_info
from editor.model import action_sets, files, image_ops, image_processor
from editor.model.action_sets import Action, Step
from editor.model.render import composite_document
from ui_helpers import cancel_at_second_item, in_modal_dialog, make_window

FLIP = Action("Flip", "", [Step("flip_canvas", {"horizontal": True})])


def gradients(folder, count=3, size=(60, 30)):
    """Smooth pictures, dark on the left (a flip shows even through JPEG)."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    w, h = size
    for i in range(count):
        pixels = np.zeros((h, w, 3), np.uint8)
        pixels[..., 0] = np.linspace(0, 255, w)[None, :]
        pixels[..., 1] = np.linspace(0, 120, h)[:, None]
        pixels[..., 2] = 40 * i
        path = os.path.join(folder, f"shot{i}.png")
        Image.fromarray(pixels).save(path)
        paths.append(path)
    return paths


def by_hand(path, box=(40, 40)) -> np.ndarray:
    """Opened, flipped (Flip Canvas Horizontal), resized to fit `box` by Image Size."""
    doc = files.open_document(path)
    image_ops.flip_canvas(doc, True)
    image_ops.image_size(doc, *image_processor.fit_size(doc.width, doc.height, *box))
    return composite_document(doc)


def run_processor(qtbot, w, monkeypatch, fill, action=FLIP, cancel=False):
    """File > Scripts > Image Processor…, `fill(dialog)` choosing, Run; waits for the job."""
    if action is not None:
        w.actions_panel.sets.append(action_sets.ActionSet("Test", [action]))
    jobs = []
    monkeypatch.setattr(w.jobs, "submit", lambda job, _s=w.jobs.submit, **k: jobs.append(job)
                        or _s(job, **k))

    def drive(dialog, seen):
        if action is not None:
            dialog.run_action.setChecked(True)
            dialog.set_box.setCurrentIndex(dialog.set_box.findText("Test"))
            dialog.action_box.setCurrentIndex(dialog.action_box.findText(action.name))
        fill(dialog)
        seen["cancel"] = cancel

    in_modal_dialog(qtbot, w.actions["image_processor"].trigger, drive,
                    "ImageProcessorDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=30000)
    return jobs[0] if jobs else None


def jpeg_and_psd(folder, box=(40, 40), copyright=""):
    def fill(d):
        d.use_folder.setChecked(True)
        d.source.setText(str(folder))
        d.same.setChecked(True)
        for kind in ("jpeg", "psd"):
            row = d.rows[kind]
            row.on.setChecked(True)
            row.resize.setChecked(True)
            row.width.setValue(box[0])
            row.height.setValue(box[1])
        d.rows["jpeg"].quality.setValue(12)
        d.rows["tiff"].on.setChecked(False)
        d.copyright.setText(copyright)
    return fill


def no_partials(folder) -> bool:
    return not [n for n in os.listdir(folder) if n.endswith(".part") or n.startswith(".")]


def test_jpeg_and_psd_copies_resized_to_fit_after_the_action(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    sources = gradients(tmp_path / "in")
    job = run_processor(qtbot, w, monkeypatch, jpeg_and_psd(tmp_path / "in",
                                                            copyright="(c) 2026 Me"))
    assert job.state == FINISHED and not w.test_errors
    assert sorted(os.listdir(tmp_path / "in")) == ["JPEG", "PSD", "shot0.png", "shot1.png",
                                                   "shot2.png"]
    assert sorted(os.listdir(tmp_path / "in" / "JPEG")) == ["shot0.jpg", "shot1.jpg",
                                                            "shot2.jpg"]
    for path in sources:
        stem = os.path.splitext(os.path.basename(path))[0]
        expected = by_hand(path)
        assert expected.shape[:2] == (20, 40)  # 60 x 30 fitted into 40 x 40
        psd = files.open_document(tmp_path / "in" / "PSD" / f"{stem}.psd")
        assert np.array_equal(composite_document(psd), expected)
        jpeg = Image.open(tmp_path / "in" / "JPEG" / f"{stem}.jpg")
        assert jpeg.size == (40, 20)
        assert jpeg.getexif().get(0x8298) == "(c) 2026 Me"  # EXIF Copyright
        # Copyright Info went into each file's own metadata: dc:rights, Copyrighted.
        for copy in (psd, files.open_document(tmp_path / "in" / "JPEG" / f"{stem}.jpg")):
            info = document_info(copy)
            assert (info.copyright_notice, info.copyright_status) == ("(c) 2026 Me",
                                                                      "copyrighted")
        pixels = np.asarray(jpeg.convert("RGB")).astype(int)
        assert np.abs(pixels - expected[..., :3]).mean() < 3  # quality 12
        assert pixels[:, 0, 0].mean() > pixels[:, -1, 0].mean() + 100  # flipped
    assert not w.sessions  # processed without opening tabs
    assert len(FLIP.steps) == 1  # the played action was not recorded into
    assert "3 images processed" in w.statusBar().currentMessage()


def test_a_corrupt_file_is_logged_and_the_others_done(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    gradients(tmp_path / "in")
    (tmp_path / "in" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot a picture")
    job = run_processor(qtbot, w, monkeypatch, jpeg_and_psd(tmp_path / "in"))
    assert job.state == FINISHED
    for sub, suffix in (("JPEG", ".jpg"), ("PSD", ".psd")):
        assert sorted(os.listdir(tmp_path / "in" / sub)) == [f"shot{i}{suffix}"
                                                             for i in range(3)]
    log = tmp_path / "in" / image_processor.LOG_NAME
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(tmp_path / "in" / "broken.png") + ": ")
    assert "1 failed" in w.statusBar().currentMessage()


def test_cancel_after_the_first_file_leaves_no_partial_file(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    gradients(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    timer = cancel_at_second_item(w, monkeypatch, image_processor, "process")

    def fill(d):
        jpeg_and_psd(tmp_path / "in")(d)
        d.to_folder.setChecked(True)
        d.folder.setText(str(out))

    job = run_processor(qtbot, w, monkeypatch, fill)
    timer.stop()
    assert job.state == CANCELLED
    assert sorted(os.listdir(out)) == ["JPEG", "PSD"]
    assert os.listdir(out / "JPEG") == ["shot0.jpg"] and no_partials(out / "JPEG")
    assert os.listdir(out / "PSD") == ["shot0.psd"] and no_partials(out / "PSD")
    assert sorted(os.listdir(tmp_path / "in")) == ["shot0.png", "shot1.png", "shot2.png"]


def test_open_documents_to_lzw_tiff_and_cancel_leaves_all_unchanged(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    source = gradients(tmp_path / "in", 1)[0]
    w.add_session(files.open_document(source), "shot0.png")
    before = composite_document(w.doc).copy()
    out = tmp_path / "out"
    out.mkdir()

    def fill(d):
        d.use_open.setChecked(True)
        d.to_folder.setChecked(True)
        d.folder.setText(str(out))
        d.rows["jpeg"].on.setChecked(False)
        d.rows["psd"].on.setChecked(False)
        d.rows["tiff"].on.setChecked(True)
        d.rows["tiff"].option.setChecked(True)  # LZW Compression
        d.rows["tiff"].resize.setChecked(False)
        d.copyright.setText("Me")

    # Cancel in the dialog: nothing runs, nothing is written.
    assert run_processor(qtbot, w, monkeypatch, fill, cancel=True) is None
    assert os.listdir(out) == []
    job = run_processor(qtbot, w, monkeypatch, fill)
    assert job.state == FINISHED
    tiff = Image.open(out / "TIFF" / "shot0.tif")
    assert tiff.info["compression"] == "tiff_lzw" and tiff.size == (60, 30)
    assert tiff.getexif().get(0x8298) == "Me"
    assert np.array_equal(np.asarray(tiff.convert("RGB")), by_hand(source, (60, 30))[..., :3])
    assert document_info(files.open_document(out / "TIFF" / "shot0.tif")
                         ).copyright_notice == "Me"
    # The open document itself is not changed by the action, nor its metadata.
    assert np.array_equal(composite_document(w.doc), before) and w.doc.xmp is None


def test_bad_settings_are_refused_in_one_line(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    gradients(tmp_path / "in", 1)

    def nothing_to_save(d):
        jpeg_and_psd(tmp_path / "in")(d)
        d.rows["jpeg"].on.setChecked(False)
        d.rows["psd"].on.setChecked(False)

    assert run_processor(qtbot, w, monkeypatch, nothing_to_save) is None
    assert len(w.test_errors) == 1 and "file type" in w.test_errors[0][1]
    assert run_processor(qtbot, w, monkeypatch, lambda d: (
        jpeg_and_psd(tmp_path / "in")(d), d.source.setText(str(tmp_path / "nowhere"))),
        action=None) is None
    assert len(w.test_errors) == 2 and "does not exist" in w.test_errors[1][1]
    assert sorted(os.listdir(tmp_path / "in")) == ["shot0.png"]
