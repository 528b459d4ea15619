"""Smart objects in PSD files: Photoshop's (psd-tools' corpus: an embedded PNG; an embedded PNG
under an identity warp; linked files that are not there) read as smart objects or, when their
contents cannot be had, as pixel layers with Photoshop's pixels and a warning; ours written so
that psd-tools reads smart objects with the same contents, placement and unique id, and read
back as ours; through the editor's Save As and Open too."""
from __future__ import annotations

import io
import os

import numpy as np
import pytest

from editor.model import Document
from editor.model import smart_object as so
from editor.model.files import open_document, save_document
from editor.model.layers import Layer
from editor.model.smart_object import SmartContents, SmartObjectLayer

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")


def noise(h, w, seed=1, alpha=True):
    rng = np.random.default_rng(seed)
    px = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    if alpha:
        px[..., 3] = np.where(rng.random((h, w)) < 0.2, 0, 255)
        px[px[..., 3] == 0] = 0
    else:
        px[..., 3] = 255
    return px


def decoded(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_photoshops_embedded_smart_object_is_read_as_one():
    doc = open_document(os.path.join(FILES, "smartobject-layer.psd"))
    assert doc.warnings == []
    (layer,) = doc.layers()
    assert isinstance(layer, SmartObjectLayer) and layer.name == "Smart object"
    assert layer.placement == ((0.0, 0.0), (32.0, 0.0), (32.0, 32.0), (0.0, 32.0))
    assert layer.contents.filename == "A.png" and layer.contents.filetype == "png"
    assert layer.contents.uid == "903957cc-082d-464a-b13e-d55023442674"
    assert (layer.contents.width, layer.contents.height) == (32, 32)
    # Photoshop's pixels are what it shows until it is transformed; our rendering of the
    # contents through the placement gives the same.
    pixels, x, y = so.render(layer.contents, layer.placement)
    assert layer.canvas_crop(doc.canvas).tobytes() == \
        np.pad(pixels, ((y, 32 - y - pixels.shape[0]), (x, 32 - x - pixels.shape[1]),
                        (0, 0))).tobytes()


def test_identity_warp_is_read_and_linked_files_stay_pixels():
    doc = open_document(os.path.join(FILES, "placedLayer.psd"))
    by_name = {n.name: n for n in doc.layers()}
    embedded = by_name["embedded-png"]
    assert isinstance(embedded, SmartObjectLayer)
    pixels, x, y = so.render(embedded.contents, embedded.placement)
    assert (x, y) == (embedded.x, embedded.y) and np.array_equal(pixels, embedded.pixels)
    for name in ("linked-png", "linked-psd"):  # their files are not beside the PSD
        layer = by_name[name]
        assert type(layer) is Layer and layer.source_kind == "smartobject"
        assert not layer.is_empty()  # Photoshop's pixels kept
        assert any(f"'{name}'" in w and "is missing" in w for w in doc.warnings)


def test_photoshops_linked_smart_object_whose_file_is_beside_it_stays_linked(tmp_path):
    import shutil

    shutil.copy(os.path.join(FILES, "placedLayer.psd"), tmp_path / "placedLayer.psd")
    first = open_document(os.path.join(FILES, "placedLayer.psd"))
    picture = {n.name: n for n in first.layers()}["embedded-png"].contents.data
    # (the PNG Photoshop linked, as it embedded it in the same file)
    (tmp_path / "linked-layer.png").write_bytes(picture)
    doc = open_document(tmp_path / "placedLayer.psd")
    by_name = {n.name: n for n in doc.layers()}
    layer = by_name["linked-png"]
    assert isinstance(layer, SmartObjectLayer)
    assert layer.contents.link == str(tmp_path / "linked-layer.png")
    assert layer.contents.uid == "5a96c402-ab9c-1177-97ef-96ca454b82b7"
    pixels, x, y = so.render(layer.contents, layer.placement)
    assert (x, y) == (layer.x, layer.y) and np.array_equal(pixels, layer.pixels)
    # Not the file Photoshop recorded (its date): one line says so; the PSD's is missing.
    assert type(by_name["linked-psd"]) is Layer
    assert [w for w in doc.warnings if "'linked-png'" in w and "changed since" in w]
    assert [w for w in doc.warnings if "'linked-psd'" in w and "is missing" in w]
    assert len(doc.warnings) == 2


@pytest.mark.parametrize("suffix", [".psd", ".psb"])
def test_our_smart_objects_are_read_by_psd_tools_and_come_back(tmp_path, suffix):
    from psd_tools import PSDImage

    doc = Document(120, 90)
    contents_px = noise(40, 50)
    layer = doc.add_image(contents_px, "photo", 20, 30)
    smart = so.convert(doc, layer)
    quad = ((10.0, 5.0), (70.0, 15.0), (60.5, 60.0), (15.0, 50.0))
    so.set_placement(doc, smart, quad)
    twin = doc.duplicate(smart)
    doc.translate(twin, 30, 20)
    path = str(tmp_path / f"smart{suffix}")
    save_document(doc, path)

    psd = PSDImage.open(path)
    items = [i for i in psd.descendants()]
    assert [i.kind for i in items] == ["smartobject", "smartobject"]
    for item, node in zip(items, (smart, twin)):
        obj = item.smart_object
        assert obj.kind == "data" and obj.filetype == "png"
        assert obj.unique_id == smart.contents.uid  # the twin shares the embedded file
        assert np.array_equal(decoded(obj.data), smart.contents.pixels)
        assert obj.transform_box == pytest.approx([v for p in node.placement for v in p])
        assert item.bbox == (node.x, node.y, node.x + node.width, node.y + node.height)
    assert len(psd.tagged_blocks.get_data(b"lnk2")) == 1

    back = open_document(path)
    assert back.warnings == []
    first, second = back.layers()
    for node, was in ((first, smart), (second, twin)):
        assert isinstance(node, SmartObjectLayer) and node.placement == was.placement
        assert np.array_equal(node.contents.pixels, smart.contents.pixels)
        assert node.bounds() == was.bounds() and np.array_equal(node.pixels, was.pixels)
    assert first.contents.uid == second.contents.uid == smart.contents.uid
    # Transformed after reading, it is drawn from the full contents again.
    so.set_placement(back, first, so.rect_quad(0, 0, 50, 40))
    assert np.array_equal(first.pixels, smart.contents.pixels)


def test_embedded_psd_contents_and_undecodable_contents(tmp_path):
    # Contents that are a PSD of their own: decoded to its composite.
    inner = Document(30, 20)
    inner_px = noise(20, 30, seed=3, alpha=False)
    inner.add_image(inner_px, "inside", 0, 0)
    inner_path = str(tmp_path / "inner.psd")
    save_document(inner, inner_path)
    with open(inner_path, "rb") as f:
        psd_bytes = f.read()
    doc = Document(64, 48)
    good = SmartObjectLayer.placed("nested", SmartContents(inner_px, "inner.psd", psd_bytes,
                                                           "8bps"), so.rect_quad(4, 6, 30, 20))
    doc.add_layer(good)
    # Contents no decoder reads: the layer stays pixels, Photoshop's (ours) kept, warned.
    bad_px = noise(10, 12, seed=4, alpha=False)
    bad = SmartObjectLayer.placed("broken", SmartContents(bad_px, "broken.png", b"not a png",
                                                          "png"), so.rect_quad(40, 30, 12, 10))
    doc.add_layer(bad)
    path = str(tmp_path / "mixed.psd")
    save_document(doc, path)

    from psd_tools import PSDImage

    kinds = {i.name: i.smart_object.filetype for i in PSDImage.open(path).descendants()}
    assert kinds == {"nested": "8bps", "broken": "png"}
    back = open_document(path)
    nested, broken = back.layers()
    assert isinstance(nested, SmartObjectLayer)
    assert np.array_equal(nested.contents.pixels, inner_px)
    assert nested.contents.filetype == "8bps" and nested.contents.data == psd_bytes
    assert type(broken) is Layer and np.array_equal(broken.pixels, bad_px)
    assert (broken.x, broken.y) == (40, 30)
    assert any("'broken'" in w and "could not be read" in w for w in back.warnings)


def test_save_as_and_open_in_the_editor_keep_the_smart_object(opened, qtbot, tmp_path,
                                                            monkeypatch):
    from PySide6.QtCore import Qt

    from test_ui_smart_objects import convert, transform_by_width

    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    convert(w)
    w.canvas.setFocus()
    transform_by_width(w, qtbot, 25)
    path = str(tmp_path / "saved.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: path)
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    assert w.test_errors == []

    # (a copy: the saved file itself is open already, and Open would show it again)
    import shutil

    again = shutil.copy(path, tmp_path / "again.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [str(again)])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)
    reopened = w.doc
    assert reopened is not doc
    (smart,) = reopened.layers()
    assert isinstance(smart, SmartObjectLayer) and smart.bounds().w == 24
    w.canvas.setFocus()
    transform_by_width(w, qtbot, 100)
    assert np.array_equal(smart.pixels, original)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert smart.bounds().w == 24


def test_info_lists_smart_objects_without_decoding_them():
    """`python main.py info` (a description: nothing decoded) names Photoshop's embedded smart
    objects as smart objects, as the editor opens them, and linked ones as pixels."""
    import json
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(FILES, "placedLayer.psd")
    run = subprocess.run([sys.executable, "main.py", "info", path, "--json"], cwd=root,
                         capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    kinds = {n["name"]: n["kind"] for n in report["layers"]}
    assert kinds == {"embedded-png": "smartobject", "linked-png": "pixel",
                     "linked-psd": "pixel", "Background": "pixel"}
    (smart,) = [n for n in report["layers"] if n["kind"] == "smartobject"]
    assert smart["smart_object"]["placement"] == [[96.0, 96.0], [160.0, 96.0],
                                                  [160.0, 160.0], [96.0, 160.0]]
    assert len(report["warnings"]) == 2
    text = subprocess.run([sys.executable, "main.py", "info", path], cwd=root,
                          capture_output=True, text=True, timeout=120).stdout
    assert text.splitlines()[0].endswith("3 layers, 1 smart object")
