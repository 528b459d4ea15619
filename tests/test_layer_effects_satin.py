"""Satin (layer_effects.py): drawn in the composite against a numpy reference of its
definition (the shape moved both ways, blurred, their difference, inverted), against
Photoshop's own merged image of psd-tools' layer_effects.psd (its "Satin" layer), read from
and written into the file's 'lfx2' (psd-tools reads the edited and new values back, every
other effect as it was; a satin whose contour is not Linear is drawn through it and saved
back with its points); the Layer Style dialog's page in the window (live, OK one undo step,
Cancel restoring)."""
from __future__ import annotations

import numpy as np
import pytest
from psd_tools import PSDImage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QPushButton

from editor.model.files import open_document, save_document
from editor.model.layer_effects import LayerEffects, Satin, with_first
from editor.model.render import composite_document

from reference_compositing import blend_onto, premultiplied
from test_layer_effects import EFFECTS_FILE, canvas_alpha, check, effects_of, scene, \
    shadow_cover, unpremultiplied
from test_layer_effects_glows import inside_blend


@pytest.mark.parametrize("angle,shift,invert", [(90.0, (-3, 0), True), (0.0, (0, 3), False)])
def test_satin_matches_its_definition(angle, shift, invert):
    satin = Satin(color=(60, 0, 90), opacity=80.0, angle=angle, distance=3.0, size=4.0,
                  invert=invert)
    doc, background, layer = scene(LayerEffects(satins=(satin,)))
    a = canvas_alpha(layer)  # the shape lies well inside the canvas: a roll moves it
    one = shadow_cover(np.roll(a, shift, axis=(0, 1)), 4.0, 0.0)
    two = shadow_cover(np.roll(a, (-shift[0], -shift[1]), axis=(0, 1)), 4.0, 0.0)
    cover = np.abs(one - two)
    cover = 1 - cover if invert else cover
    own = layer.canvas_crop(doc.canvas) / 255.0
    styled = inside_blend(own, (60, 0, 90), cover * 0.8, "multiply")
    check(doc, unpremultiplied(blend_onto(premultiplied(background), styled, "normal", 1.0)))
    # Not a no-op: the square's colours change, unevenly.
    shown = composite_document(doc).astype(int)
    plain = composite_document(scene(None)[0]).astype(int)
    changed = np.abs(shown - plain).sum(-1)[14:24, 17:29]
    assert changed.max() > 20 and changed.min() < changed.max() - 10


# Photoshop's pixels of layer_effects.psd's "Satin" layer (Multiply black 50 %, angle -60,
# distance 20, size 35, inverted, Linear contour): mean and max error (levels, RGB) over its
# box. Measured 0.57 / 5 (before, not drawn: 47.23 / 127).
PHOTOSHOP_SATIN = (0.8, 7)


def test_satin_against_photoshops_merged_image():
    doc = open_document(EFFECTS_FILE)
    ps = np.asarray(PSDImage.open(EFFECTS_FILE).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    box = next(n for n in doc.root.walk() if n.name == "Satin").bounds().intersect(doc.canvas)
    error = np.abs(ours[box.slices()][..., :3] - ps[box.slices()][..., :3])
    mean, most = PHOTOSHOP_SATIN
    assert error.mean() < mean and error.max() <= most, (error.mean(), error.max())


def test_photoshop_satin_read_edited_and_written(tmp_path):
    doc = open_document(EFFECTS_FILE)
    node = next(n for n in doc.root.walk() if n.name == "Satin")
    assert node.effects.satins == (Satin(True, (0, 0, 0), 50.0, "multiply", -60.0, 20.0, 35.0,
                                         True),)
    assert node.effects.others == ()
    satin = Satin(True, (200, 30, 10), 70.0, "screen", 45.0, 8.0, 12.0, False)
    doc.set_effects(node, with_first(node.effects, "satins", satin))
    out = str(tmp_path / "edited.psd")
    save_document(doc, out)
    before = {n: k for n, _, k in effects_of(EFFECTS_FILE)}
    after = {n: k for n, _, k in effects_of(out)}
    assert {n: k for n, k in after.items() if n != "Satin"} == \
        {n: k for n, k in before.items() if n != "Satin"}
    assert after["Satin"][0] == before["Satin"][0]  # its (disabled) stroke as it was
    written = next(next(n for n in PSDImage.open(out).descendants()
                        if n.name == "Satin").effects.find("Satin"))
    assert (written.opacity, written.angle, written.distance, written.size, written.inverted,
            written.blend_mode.name, written.anti_aliased) == (70.0, 45.0, 8.0, 12.0, False,
                                                               "SCREEN", True)
    assert written.contour[b"Nm  "].value.startswith("線形")  # the file's contour kept
    again = next(n for n in open_document(out).root.walk() if n.name == "Satin")
    assert again.effects.satins == (satin,)


def test_a_satin_with_another_contour_is_drawn_and_saved_back(tmp_path):
    """The same file, its satin's contour made a curve (psd-tools): read as ours with that
    contour (no warning), drawn otherwise than with Linear, saved back with its points."""
    from dataclasses import replace

    from psd_tools.psd.descriptor import Descriptor, Double

    from editor.model.layer_effects import LINEAR

    psd = PSDImage.open(EFFECTS_FILE)
    layer = next(n for n in psd.descendants() if n.name == "Satin")
    curve = next(layer.effects.find("Satin")).contour[b"Crv "]
    middle = Descriptor(classID=b"CrPt")
    middle[b"Hrzn"], middle[b"Vrtc"] = Double(128.0), Double(30.0)
    curve.insert(1, middle)
    path = str(tmp_path / "curved.psd")
    psd.save(path)
    doc = open_document(path)
    node = next(n for n in doc.root.walk() if n.name == "Satin")
    satin = node.effects.satins[0]
    assert satin.contour.points == ((0.0, 0.0), (128.0, 30.0), (255.0, 255.0))
    assert node.effects.others == () and not any("not draw" in w for w in doc.warnings)
    curved = composite_document(doc).astype(int)
    node.effects = replace(node.effects, satins=(replace(satin, contour=LINEAR),))
    assert np.abs(composite_document(doc).astype(int) - curved).max() > 10
    node.effects = replace(node.effects, satins=(satin,))
    out = str(tmp_path / "out.psd")
    save_document(doc, out)
    kept = next(next(n for n in PSDImage.open(out).descendants()
                     if n.name == "Satin").effects.find("Satin"))
    assert [float(p[b"Vrtc"]) for p in kept.contour[b"Crv "]] == [0.0, 30.0, 255.0]


def test_a_new_satin_is_written_as_photoshop_writes_it(tmp_path):
    doc, _, layer = scene(None)
    effects = LayerEffects(satins=(Satin(angle=30.0, distance=4.0, size=6.0),))
    doc.set_effects(layer, effects)
    out = str(tmp_path / "new.psd")
    save_document(doc, out)
    written = next(next(n for n in PSDImage.open(out).descendants()
                        if n.name == "Styled").effects.find("Satin"))
    assert list(written.descriptor.keys()) == [
        b"enab", b"present", b"showInDialog", b"Md  ", b"Clr ", b"AntA", b"Invr", b"Opct",
        b"lagl", b"Dstn", b"blur", b"MpgS"]
    assert (written.angle, written.distance, written.size, written.inverted) == (30.0, 4.0,
                                                                               6.0, True)
    again = open_document(out)
    assert next(n for n in again.root.walk() if n.name == "Styled").effects == effects
    assert np.array_equal(composite_document(again), composite_document(doc))


def test_satin_from_the_dialog(qtbot, tmp_path, monkeypatch):
    """Layer > Layer Style > Satin… on a blue square over white: drawn inside the square
    while the dialog is open, OK one step, undo back; then Invert cleared and the colour
    changed, cancelled: live, then the style as it was."""
    from test_ui_layer_style import in_dialog, screen, square_window

    w, square, plain, steps = square_window(qtbot, tmp_path, monkeypatch, (255, 0, 0))
    doc = w.doc

    def satin(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Satin"
        assert dialog.kinds.currentItem().checkState() == Qt.CheckState.Checked
        assert dialog.findChild(QCheckBox, "SatinsInvert").isChecked()
        dialog.findChild(QDoubleSpinBox, "SatinsDistance").setValue(3)
        dialog.findChild(QDoubleSpinBox, "SatinsOpacity").setValue(100)
        seen["live"] = screen(w)
        assert doc.history.count == steps

    seen = in_dialog(qtbot, w.actions["style_satin"].trigger, satin)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    assert square.effects.satins == (Satin(distance=3.0, opacity=100.0),)
    shown = screen(w)
    assert np.array_equal(shown, seen["live"])
    # Darker (Multiply black) inside the square, the white around it as it was.
    assert (shown[16:28, 22:34].sum(-1) < plain[16:28, 22:34].sum(-1) - 30).all()
    outside = np.ones(plain.shape[:2], bool)
    outside[14:30, 20:36] = False
    assert np.array_equal(shown[outside], plain[outside])
    w.actions["undo"].trigger()
    assert square.effects is None and np.array_equal(screen(w), plain)
    w.actions["redo"].trigger()
    satined = screen(w)

    def change(dialog, seen):
        dialog.select("satins")
        dialog.findChild(QCheckBox, "SatinsInvert").setChecked(False)
        seen["plain"] = screen(w)
        qtbot.mouseClick(dialog.findChild(QPushButton, "SatinsColor"),
                         Qt.MouseButton.LeftButton)
        seen["red"] = screen(w)
        seen["cancel"] = True

    seen = in_dialog(qtbot, w.actions["style_satin"].trigger, change)
    # Not inverted: little where both moved copies are alike (the square's middle), where
    # the inverted satin was darkest.
    middle = np.s_[21:23, 27:29]
    assert np.abs(seen["plain"][middle] - plain[middle]).max() <= 10
    assert (satined[middle].sum(-1) < plain[middle].sum(-1) - 100).all()
    assert not np.array_equal(seen["red"], seen["plain"])
    assert doc.history.count == steps + 1
    assert square.effects.satins == (Satin(distance=3.0, opacity=100.0),)
    assert np.array_equal(screen(w), satined)
