"""Layer-effect contours (layer_effects.Contour): the lookup against hand-computed values
(straight segments between corners, Curves' natural spline through smooth points, flat
beyond the ends); a shadow's, glows', inner shadow's, satin's and bevel's drawing through
their contours against numpy references; the contours written into the PSD and read back
(psd-tools reads our points, names and corner flags; a new effect writes Linear); a file's
own contour drawn and saved back with its points; and psd-tools' layer_params.psd (a drop
shadow with Photoshop's Gaussian contour) against the merged image Photoshop stored."""
from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from psd_tools import PSDImage
from psd_tools.constants import Tag
from psd_tools.psd.descriptor import Bool, Descriptor, Double
from scipy.interpolate import CubicSpline
from scipy.ndimage import distance_transform_edt

from editor.model import layer_effects as fx
from editor.model.files import open_document, save_document
from editor.model.layer_effects import (CONTOURS, LINEAR, BevelEmboss, Contour, DropShadow,
                                        InnerGlow, InnerShadow, LayerEffects, OuterGlow, Satin,
                                        with_first)
from editor.model.render import composite_document

from reference_compositing import blend_onto, premultiplied
from test_layer_effects import (EFFECTS_FILE, FILES, canvas_alpha, check, scene, shadow_cover,
                                straight, unpremultiplied)

PARAMS_FILE = os.path.join(FILES, "layer_params.psd")
LEVELS = np.arange(256) / 255.0


def cone(c: np.ndarray) -> np.ndarray:
    """Photoshop's Cone by hand: up in a straight line to full at input 128, down to 0 at
    255."""
    x = np.asarray(c, float) * 255
    return np.where(x <= 128, x / 128, (255 - x) / 127)


def test_contour_lookup_against_hand_computed_values():
    assert np.allclose(LINEAR.lookup(), LEVELS, atol=1e-6)
    assert np.allclose(CONTOURS["Cone"].lookup(), cone(LEVELS), atol=1e-6)
    assert CONTOURS["Cone"].lookup()[128] == 1.0 and CONTOURS["Cone"].lookup()[255] == 0.0
    # Smooth (0, 0), (128, 64), (255, 255): a natural cubic spline. Its second derivative
    # at the middle knot: 2 (h0 + h1) M1 = 6 ((y2 - y1) / h1 - (y1 - y0) / h0), h0 = 128,
    # h1 = 127; at x = 64: M1 x^3 / (6 h0) + (y1 / h0 - M1 h0 / 6) x.
    m1 = 6 * (191 / 127 - 64 / 128) / (2 * 255)
    at64 = m1 * 64 ** 3 / (6 * 128) + (64 / 128 - m1 * 128 / 6) * 64
    assert at64 == pytest.approx(19.905, abs=1e-3)
    smooth = Contour(((0, 0), (128, 64), (255, 255)), name="Custom").lookup()
    assert smooth[64] * 255 == pytest.approx(at64, abs=1e-3)
    assert smooth[128] * 255 == pytest.approx(64, abs=1e-3)
    # The same points, the middle one a corner: two straight segments.
    corner = Contour(((0, 0), (128, 64), (255, 255)), (False, True, False)).lookup()
    assert corner[64] * 255 == pytest.approx(32, abs=1e-3)
    assert corner[200] * 255 == pytest.approx(64 + 191 * 72 / 127, abs=1e-3)
    # A corner between smooth runs: each run its own spline (two points: a line).
    mixed = Contour(((0, 0), (100, 200), (180, 120), (255, 255)), (False, True, False, False))
    assert mixed.lookup()[50] * 255 == pytest.approx(100, abs=1e-3)
    run = CubicSpline([100, 180, 255], [200, 120, 255], bc_type="natural")
    assert np.allclose(mixed.lookup()[100:] * 255, np.clip(run(np.arange(100, 256)), 0, 255),
                       atol=1e-3)
    # Flat before the first point and after the last.
    ends = Contour(((20, 10), (200, 250))).lookup() * 255
    assert ends[0] == pytest.approx(10) and ends[19] == pytest.approx(10)
    assert ends[255] == pytest.approx(250) and ends[110] == pytest.approx(130)
    # Applied between the entries as a straight line; Linear is the identity itself.
    assert fx.CONTOURS["Cone"].apply(np.float32([0.25, 64.5 / 255]))[1] == \
        pytest.approx(64.5 / 128, abs=1e-5)
    values = np.random.default_rng(0).random((4, 4)).astype(np.float32)
    assert LINEAR.apply(values) is values
    # The built-ins by their points, or by Photoshop's resource key in the name (a file's
    # own points for them kept); a localised Linear by its points.
    assert fx.contour_preset(Contour(name="Линейный")) == "Linear"
    assert fx.contour_preset(Contour(((0, 0), (127, 255), (255, 0)), (0, 1, 0),
                                     "$$$/Contours/Defaults/Cone=Cone")) == "Cone"
    assert fx.contour_preset(Contour(((0, 0), (127, 255), (255, 0)), (0, 1, 0),
                                     "Cone")) is None


def gaussian_contour(c: np.ndarray) -> np.ndarray:
    """Photoshop's Gaussian contour (its points as layer_params.psd holds them) through a
    natural cubic spline: the reference for the lookup."""
    xs = [0, 32, 64, 96, 128, 159, 191, 223, 255]
    ys = [0, 7, 38, 101, 166, 209, 235, 248, 255]
    return np.clip(CubicSpline(xs, ys, bc_type="natural")(np.asarray(c) * 255) / 255, 0, 1)


@pytest.mark.parametrize("name,reference", [("Gaussian", gaussian_contour), ("Cone", cone)])
def test_shadow_contour_maps_its_coverage_before_opacity(name, reference):
    contour = CONTOURS[name]
    shadow = DropShadow(color=(40, 0, 60), opacity=70.0, angle=135.0, distance=6.0, size=5.0,
                        contour=contour)
    doc, background, layer = scene(LayerEffects(drop_shadows=(shadow,)))
    a = canvas_alpha(layer)
    cover = shadow_cover(a, 5.0, 0.0)
    moved = np.zeros_like(cover)
    moved[4:, 4:] = cover[:-4, :-4]  # light from 135 degrees: 4 right, 4 down
    mapped = reference(moved)
    out = blend_onto(premultiplied(background), straight((40, 0, 60), mapped * 0.7),
                     "multiply", 1.0)
    out = blend_onto(out, layer.canvas_crop(doc.canvas) / 255.0, "normal", 1.0)
    check(doc, unpremultiplied(out))
    # Not Linear's pixels: where the shadow is half, Gaussian's is lighter, Cone's full.
    linear = composite_document(scene(LayerEffects(
        drop_shadows=(replace(shadow, contour=LINEAR),)))[0]).astype(int)
    ours = composite_document(doc).astype(int)
    assert np.abs(ours - linear).max() > 15


def test_glows_inner_shadow_satin_and_gloss_through_their_contours():
    a = np.zeros((40, 40), np.float32)
    a[12:28, 10:30] = 1.0
    c = CONTOURS["Cone"]
    table = cone(LEVELS)

    def mapped(values):
        return np.interp(values, LEVELS, table)

    glow = OuterGlow(size=8.0, range=60.0)
    plain = fx.outer_glow_alpha(a, glow)
    assert np.allclose(fx.outer_glow_alpha(a, replace(glow, contour=c)), mapped(plain),
                       atol=1e-5)
    for g in (InnerGlow(size=8.0, source="edge"), InnerGlow(size=8.0, source="center")):
        plain = fx.inner_glow_alpha(a, g)
        assert np.allclose(fx.inner_glow_alpha(a, replace(g, contour=c)), mapped(plain),
                           atol=1e-5)
    s = InnerShadow(size=6.0, distance=3.0)
    assert np.allclose(fx.inner_shadow_alpha(a, replace(s, contour=c)),
                       mapped(fx.inner_shadow_alpha(a, s)), atol=1e-5)
    # Satin: its difference through the contour, then inverted.
    t = Satin(size=6.0, distance=4.0, invert=False)
    difference = fx.satin_alpha(a, t)
    assert np.allclose(fx.satin_alpha(a, replace(t, contour=c, invert=True)),
                       1 - mapped(difference), atol=1e-5)
    # A contour that paints at zero coverage paints only where the shadow reaches.
    shadow = DropShadow(size=4.0)
    inverted = fx.shadow_alpha(a, replace(shadow, contour=CONTOURS["Cone - Inverted"]))
    cover = fx.shadow_alpha(a, shadow)
    assert inverted[0, 0] == 0 and inverted[20, 20] == pytest.approx(1, abs=1e-3)
    faint = (cover > 0) & (cover < 0.01)
    assert faint.any() and (inverted[faint] > 0.97).all()
    # The bevel's gloss contour: slopes lit otherwise, flat ground (inside, outside) not.
    bevel = BevelEmboss(size=6.0)
    (hl, sh), _ = fx.bevel_light(a, bevel)
    (hl2, sh2), _ = fx.bevel_light(a, replace(bevel, gloss_contour=CONTOURS["Ring"]))
    assert np.abs(hl2 - hl).max() + np.abs(sh2 - sh).max() > 0.2
    assert hl2[20, 20] < 1e-3 and sh2[20, 20] < 1e-3


def contour_points(desc) -> list:
    return [(float(p[b"Hrzn"]), float(p[b"Vrtc"]), bool(p.get(b"Cnty", True)))
            for p in desc[b"Crv "]]


def test_contours_round_trip_through_our_save_and_psd_tools(tmp_path):
    custom = Contour(((0, 0), (90, 200), (160, 60), (255, 255)), (False, True, False, False),
                     "Mine")
    effects = LayerEffects(
        drop_shadows=(DropShadow(contour=CONTOURS["Gaussian"]),),
        outer_glows=(OuterGlow(contour=CONTOURS["Cone"]),),
        inner_shadows=(InnerShadow(contour=CONTOURS["Ring"]),),
        inner_glows=(InnerGlow(contour=custom),),
        satins=(Satin(contour=CONTOURS["Half Round"]),),
        bevels=(BevelEmboss(gloss_contour=CONTOURS["Sawtooth 1"]),))
    doc, _, layer = scene(None)
    doc.set_effects(layer, effects)
    out = str(tmp_path / "contours.psd")
    save_document(doc, out)
    psd_layer = next(n for n in PSDImage.open(out).descendants() if n.name == "Styled")
    read = {type(e).__name__: e.contour for e in psd_layer.effects}
    expected = {"DropShadow": CONTOURS["Gaussian"], "OuterGlow": CONTOURS["Cone"],
                "InnerShadow": CONTOURS["Ring"], "InnerGlow": custom,
                "Satin": CONTOURS["Half Round"], "BevelEmboss": CONTOURS["Sawtooth 1"]}
    for kind, contour in expected.items():
        desc = read[kind]
        assert desc.classID == b"ShpC"
        corners = contour.corners or (False,) * len(contour.points)
        assert contour_points(desc) == [(x, y, not k) for (x, y), k in
                                        zip(contour.points, corners)], kind
        assert desc[b"Nm  "].value.rstrip("\x00") == contour.name
    assert read["DropShadow"][b"Nm  "].value.startswith("$$$/Contours/Defaults/Gaussian=")
    assert b"Cnty" not in read["DropShadow"][b"Crv "][0]  # smooth: as Photoshop writes it
    again = next(n for n in open_document(out).root.walk() if n.name == "Styled")
    assert again.effects.drop_shadows[0].contour == CONTOURS["Gaussian"]
    assert again.effects.inner_glows[0].contour == custom
    assert again.effects.bevels[0].gloss_contour == CONTOURS["Sawtooth 1"]
    assert again.effects == effects
    # A new effect still writes Photoshop's Linear.
    doc2, _, layer2 = scene(None)
    doc2.set_effects(layer2, LayerEffects(drop_shadows=(DropShadow(),),
                                          satins=(Satin(),)))
    out2 = str(tmp_path / "linear.psd")
    save_document(doc2, out2)
    psd_layer = next(n for n in PSDImage.open(out2).descendants() if n.name == "Styled")
    for e in psd_layer.effects:
        assert contour_points(e.contour) == [(0.0, 0.0, True), (255.0, 255.0, True)]
        assert e.contour[b"Nm  "].value.rstrip("\x00") == "Linear"


def test_a_files_custom_contour_opens_drawn_and_saves_back(tmp_path):
    """layer_effects.psd's drop shadow given a custom contour with a corner (psd-tools):
    read as ours (not named as kept only), drawn otherwise than Linear, saved back with the
    same points and flags, also after its opacity was edited."""
    psd = PSDImage.open(EFFECTS_FILE)
    layer = next(n for n in psd.descendants() if n.name == "Drop Shadow")
    curve = next(layer.effects.find("DropShadow")).contour[b"Crv "]
    middle = Descriptor(classID=b"CrPt")
    middle[b"Hrzn"], middle[b"Vrtc"], middle[b"Cnty"] = Double(100.0), Double(230.0), \
        Bool(False)
    curve.insert(1, middle)
    path = str(tmp_path / "custom.psd")
    psd.save(path)
    doc = open_document(path)
    node = next(n for n in doc.root.walk() if n.name == "Drop Shadow")
    shadow = node.effects.drop_shadows[0]
    assert shadow.contour.points == ((0.0, 0.0), (100.0, 230.0), (255.0, 255.0))
    assert shadow.contour.corners == (False, True, False)
    assert fx.contour_preset(shadow.contour) is None and node.effects.others == ()
    drawn = composite_document(doc).astype(int)
    node.effects = replace(node.effects, drop_shadows=(replace(shadow, contour=LINEAR),))
    assert np.abs(composite_document(doc).astype(int) - drawn).max() > 20
    node.effects = replace(node.effects, drop_shadows=(shadow,))
    original = contour_points(next(layer.effects.find("DropShadow")).contour)
    for edit in (None, 50.0):
        if edit is not None:
            doc.set_effects(node, with_first(node.effects, "drop_shadows",
                                             replace(shadow, opacity=edit)))
        out = str(tmp_path / f"out{edit}.psd")
        save_document(doc, out)
        written = next(next(n for n in PSDImage.open(out).descendants()
                            if n.name == "Drop Shadow").effects.find("DropShadow"))
        assert contour_points(written.contour) == original
        assert written.contour[b"Nm  "].value == \
            next(layer.effects.find("DropShadow")).contour[b"Nm  "].value
        if edit is not None:
            assert written.opacity == edit


# Photoshop's merged image of layer_params.psd, its 'Test caption' layer's drop shadow
# (Gaussian contour, size 5, distance 5, 75 %): mean and max error (levels, RGB) over the
# shadow's pixels (at least one level of it) 6.5 to 20 px from the shape, beyond its
# (gradient, not drawn) stroke and its pillow emboss. Measured 0.29 / 5 with a Gaussian
# blur (over its longer reach); 0.21 / 2 with Photoshop's two box blurs (790 pixels); drawn
# with Linear (as before contours were drawn) 6.54 / 25.
PHOTOSHOP_GAUSSIAN = (0.3, 3)


def test_gaussian_shadow_against_photoshops_merged_image(tmp_path):
    # (The file was written by a Photoshop from before effects were marked 'present': it
    # drew every enabled one, and so does Layered.)
    doc = open_document(PARAMS_FILE)
    node = next(n for n in doc.root.walk() if n.name == "Test caption")
    shadow = node.effects.drop_shadows[0]
    assert shadow.contour == CONTOURS["Gaussian"] and shadow.contour.label() == "Gaussian"
    ps = np.asarray(PSDImage.open(PARAMS_FILE).topil().convert("RGB")).astype(float)
    a = node.canvas_crop(doc.canvas)[..., 3] > 0
    distance = distance_transform_edt(~a)
    cover = fx._moved(fx.spread_blur(a.astype(np.float32), shadow.size, shadow.spread,
                                    boxes=True),
                      *shadow.offset(), 0.0)
    region = (distance > 6.5) & (distance < 20) & (cover * 0.75 * 255 >= 1)
    region[200:] = False  # (the other layer's glow lies below)
    assert region.sum() > 600

    def error(d):
        e = np.abs(composite_document(d)[..., :3].astype(float) - ps)[region]
        return e.mean(), e.max()

    mean, most = error(doc)
    assert mean < PHOTOSHOP_GAUSSIAN[0] and most <= PHOTOSHOP_GAUSSIAN[1], (mean, most)
    doc.set_effects(node, with_first(node.effects, "drop_shadows",
                                     replace(shadow, contour=LINEAR)))
    linear = error(doc)
    assert linear[0] > 5 * mean and linear[1] > 15, linear
    # Saved: the Gaussian and the other layer's custom glow contour ('Заказная') as they were.
    doc.history.undo()
    out = str(tmp_path / "out.psd")
    save_document(doc, out)
    psd = PSDImage.open(out)
    before = PSDImage.open(PARAMS_FILE)
    for name, kind in (("Test caption", b"DrSh"), ("Фигура 1", b"OrGl")):
        desc = [next(n for n in p.descendants() if n.name == name)._record.tagged_blocks
                .get_data(Tag.OBJECT_BASED_EFFECTS_LAYER_INFO)[kind][b"TrnS"]
                for p in (psd, before)]
        assert contour_points(desc[0]) == contour_points(desc[1])
        assert desc[0][b"Nm  "].value == desc[1][b"Nm  "].value
