"""Color Lookup through the window: Image > Adjustments > Color Lookup… and Layer > New
Adjustment Layer > Color Lookup load a .cube or .3dl 3D LUT (an identity LUT leaves the
pixels as they were, one that swaps red and blue swaps them, trilinear or tetrahedral);
a file that is no LUT is refused in one line and changes nothing; the layer is saved in
a PSD as Photoshop's 'clrL' block (the LUT file inside it) and read back."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from editor.model import AdjustmentLayer, adjustments as adj, color_lookup as cl

from ui_helpers import editor_widget, in_modal_dialog, screen

NAME = "PixelDialog_ColorLookup"


def swap_table(size: int = 17) -> np.ndarray:
    return np.ascontiguousarray(cl.identity(size)[..., ::-1])


def write_cube(path, table: np.ndarray) -> str:
    path.write_bytes(cl.cube_text(table, "test"))
    return str(path)


def write_3dl(path, table: np.ndarray) -> str:
    """A 12-bit .3dl of `table` ([b][g][r]): the shaper line, then blue fastest."""
    size = table.shape[0]
    shaper = " ".join(str(round(i * 1023 / (size - 1))) for i in range(size))
    rows = np.rint(table.transpose(2, 1, 0, 3).reshape(-1, 3) * 4095).astype(int)
    path.write_text(shaper + "\n" + "\n".join(" ".join(map(str, r)) for r in rows) + "\n")
    return str(path)


def load_in_dialog(qtbot, monkeypatch, dialog, path: str) -> None:
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    button = [b for b in dialog.findChildren(QPushButton) if b.text() == "Load 3D LUT…"][0]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("lut", ["identity", "swap", "swap_3dl"])
def test_image_adjustments_color_lookup(opened, qtbot, monkeypatch, tmp_path, lut):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    path = {"identity": lambda: write_cube(tmp_path / "id.cube", cl.identity(17)),
            "swap": lambda: write_cube(tmp_path / "swap.cube", swap_table()),
            "swap_3dl": lambda: write_3dl(tmp_path / "swap.3dl", swap_table(9))}[lut]()

    def drive(dialog, seen):
        load_in_dialog(qtbot, monkeypatch, dialog, path)
        assert dialog.operation().settings.name == path.rsplit("/", 1)[-1]
        if lut != "identity":
            qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before))  # previewed

    in_modal_dialog(qtbot, w.actions["adjust_color_lookup"].trigger, drive, NAME)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Color Lookup"
    expected = before if lut == "identity" else before[..., [2, 1, 0, 3]]
    np.testing.assert_array_equal(layer.pixels, expected)
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_a_bad_lut_file_is_one_line_and_cancel_leaves_nothing(opened, qtbot, monkeypatch,
                                                              tmp_path):
    w, doc = opened, opened.doc
    before, steps = doc.active.pixels.copy(), doc.history.index
    bad = tmp_path / "bad.cube"
    bad.write_text("LUT_3D_SIZE 3\n0 0 0\n1 1 1\n")

    def drive(dialog, seen):
        load_in_dialog(qtbot, monkeypatch, dialog, str(bad))
        seen["settings"] = dialog.operation().settings
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, w.actions["adjust_color_lookup"].trigger, drive, NAME)
    assert seen["settings"] == adj.ColorLookup()  # nothing loaded
    (title, message), = w.test_errors
    assert title == "Could not load the 3D LUT"
    assert "\n" not in message.strip() and "27 rows" in message and "2" in message
    assert doc.history.index == steps
    np.testing.assert_array_equal(doc.active.pixels, before)


@pytest.mark.parametrize("text, words", [
    ("LUT_1D_SIZE 4\n0 0 0\n", "1D LUT"),
    ("TITLE x\n0 0 0\n", "LUT_3D_SIZE"),
    ("LUT_3D_SIZE 2\n" + "0 0 zero\n" * 8, "not"),
    ("\x00\x01binary", "not text")])
def test_lut_files_that_are_refused(text, words):
    with pytest.raises(cl.LutError, match=words):
        cl.parse(text.encode("latin-1"), "cube")
    with pytest.raises(cl.LutError, match="choose a .cube or .3dl"):
        cl.format_of("look.png")


def test_trilinear_and_tetrahedral_differ_between_points_and_agree_on_them():
    """A LUT whose outputs are all red x green: on the table's points both give the
    table; between them trilinear is exact (the product is bilinear) and tetrahedral,
    which weighs 4 corners only, is not."""
    ident = cl.identity(5)
    table = np.repeat(ident[..., :1] * ident[..., 1:2], 3, axis=-1)
    data = cl.cube_text(table)
    on = np.array([[0.25, 0.5, 0.75]], np.float32)
    between = np.array([[0.1, 0.6, 0.35]], np.float32)
    tri = adj.ColorLookup("rg", data, interpolation="trilinear")
    tet = adj.ColorLookup("rg", data, interpolation="tetrahedral")
    np.testing.assert_allclose(tri.apply(on), [[0.125] * 3], atol=1e-6)
    np.testing.assert_allclose(tet.apply(on), [[0.125] * 3], atol=1e-6)
    np.testing.assert_allclose(tri.apply(between), [[0.06] * 3], atol=1e-6)
    assert abs(float(tet.apply(between)[0, 0]) - 0.06) > 1e-3


def test_adjustment_layer_loaded_in_properties_and_saved_in_the_psd(opened, qtbot,
                                                                    monkeypatch, tmp_path):
    w, doc = opened, opened.doc
    before = screen(w)
    w.actions["adjustment_color_lookup"].trigger()
    layer = doc.active
    assert isinstance(layer, AdjustmentLayer) and layer.settings == adj.ColorLookup()
    np.testing.assert_array_equal(screen(w), before)  # no LUT yet: nothing changes
    path = write_cube(tmp_path / "swap.cube", swap_table())
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    steps = doc.history.count
    qtbot.mouseClick(editor_widget(w, QPushButton, "Adjust_3D"), Qt.MouseButton.LeftButton)
    assert doc.history.count == steps + 1
    assert editor_widget(w, QLabel, "Adjust_3D").text() == "swap.cube"
    np.testing.assert_array_equal(screen(w), before[..., [2, 1, 0]])
    combo = editor_widget(w, QComboBox, "Adjust_Interpolation")
    combo.setCurrentIndex(1)
    assert layer.settings.interpolation == "trilinear"
    np.testing.assert_array_equal(screen(w), before[..., [2, 1, 0]])
    out = tmp_path / "lookup.psd"
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: str(out))
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    psd_layer = [item for item in PSDImage.open(out) if item.name == layer.name][0]
    assert psd_layer.kind == "colorlookup"
    block = psd_layer.tagged_blocks.get_data(Tag.COLOR_LOOKUP)
    assert bytes(block[b"LUT3DFileData"].value) == (tmp_path / "swap.cube").read_bytes()
    assert block[b"LUTFormat"].enum == b"LUTFormatCUBE"
    from editor.model.files import open_document

    back = open_document(str(out))
    again = [n for n in back.root.walk() if n.name == layer.name][0]
    assert again.settings.data == layer.settings.data and again.settings.name == "swap.cube"
    assert again.settings.format == "cube"
    w.actions["undo"].trigger()  # the interpolation
    w.actions["undo"].trigger()  # the LUT
    assert layer.settings == adj.ColorLookup()
    np.testing.assert_array_equal(screen(w), before)


def test_3dl_and_cube_of_one_table_agree():
    table = swap_table(9)
    rgb = np.random.default_rng(0).random((200, 3)).astype(np.float32)
    cube = adj.ColorLookup("a", cl.cube_text(table))
    rows = np.rint(table.transpose(2, 1, 0, 3).reshape(-1, 3) * 1023).astype(int)
    text = " ".join(str(round(i * 1023 / 8)) for i in range(9)) + "\n" + \
        "\n".join(" ".join(map(str, r)) for r in rows)
    threedl = adj.ColorLookup("b", text.encode(), format="3dl")
    np.testing.assert_allclose(cube.apply(rgb), threedl.apply(rgb), atol=1e-3)
    np.testing.assert_allclose(cube.apply(rgb), rgb[:, ::-1], atol=1e-5)


def test_recorded_steps_round_trip_through_json():
    """A Color Lookup with its file, HDR Toning and Variations as the Actions panel and
    the history's replay record them (JSON) come back the same."""
    import json

    from editor.model import hdr_toning as hdr, pixel_filters as pf, replay
    from editor.model import variations as var

    for op in (pf.Adjust(adj.ColorLookup("swap.cube", cl.cube_text(swap_table(5)),
                                         interpolation="trilinear")),
               hdr.PRESETS["Surrealistic"], hdr.HDRToning(curve=((0, 0), (128, 200), (255, 255))),
               var.Variations(midtones=(8, 0, -4), saturation=-12)):
        settings = json.loads(json.dumps(replay.operation_settings(op)))
        assert replay.operation(settings) == op


def test_photoshops_color_lookup_layer_is_read_and_written_back(tmp_path):
    """ag-psd's adjustment-layers.psd (Photoshop CS6; tests/ag_psd_files on main): its
    'Color Lookup 1' layer (Candlelight.CUBE, 17 points, with Photoshop's device-link
    profile) reads as our Color Lookup with that file, and is saved back with the file
    and the profile as they were."""
    import os

    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    from editor.model.files import open_document
    from editor.model.psd_write import write_psd

    source = os.path.join(os.path.dirname(__file__), "ag_psd_files", "adjustment-layers.psd")
    if not os.path.exists(source):
        pytest.skip("ag-psd's adjustment-layers.psd is not in this checkout")
    doc = open_document(source)
    node = [n for n in doc.root.walk() if n.name == "Color Lookup 1"][0]
    settings = node.settings
    assert isinstance(settings, adj.ColorLookup)
    assert settings.name == "Candlelight.CUBE" and settings.format == "cube"
    assert settings.lut().size == 17 and settings.profile
    original = [item for item in PSDImage.open(source) if item.name == "Color Lookup 1"][0]
    block = original.tagged_blocks.get_data(Tag.COLOR_LOOKUP)
    assert settings.data == bytes(block[b"LUT3DFileData"].value)
    out = str(tmp_path / "back.psd")
    with open(out, "wb") as f:
        write_psd(doc, f)
    again = [item for item in PSDImage.open(out) if item.name == "Color Lookup 1"][0]
    written = again.tagged_blocks.get_data(Tag.COLOR_LOOKUP)
    for key in (b"LUT3DFileData", b"profile"):
        assert bytes(written[key].value) == bytes(block[key].value)
    assert written[b"LUTFormat"].enum == b"LUTFormatCUBE"
