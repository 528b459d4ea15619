"""Filter > Lens Correction on a layer (`filter_ops.apply`, the path the menu's jobs take):
a barrel-distorted photo of straight stripes is straightened by the matching Remove
Distortion, a red channel the lens made 1 % too large is put back on the green by Fix
Red/Cyan Fringe, Vignette darkens the corners and not the centre (Midpoint moves where it
starts), Vertical Perspective makes converging verticals parallel, Angle turns clockwise,
Scale about the centre, the four Edge modes, a selection only limits where it shows, and
bands give what the whole does."""
from __future__ import annotations

import math

import numpy as np
import pytest

from editor.model import Document, filter_ops, more_filters as mf
from editor.model.layers import Layer
from editor.model.lens_correction import DISTORTION_K, PERSPECTIVE_K, LensCorrection
from engine.box import Box

from test_filters import assert_bands_do_not_show
from ui_helpers import photo

W, H = 200, 150
CX, CY, D = (W - 1) / 2, (H - 1) / 2, math.hypot(W, H) / 2  # centre, half-diagonal


def applied(op, pixels: np.ndarray, select: Box | None = None) -> np.ndarray:
    """`op` run on a layer of `pixels` filling a document of their size: the canvas."""
    h, w = pixels.shape[:2]
    doc = Document(w, h)
    layer = Layer("photo", pixels.copy(), 0, 0)
    doc.add_layer(layer)
    if select is not None:
        doc.set_selection(select)
    filter_ops.apply(doc, op, layer)
    return layer.canvas_crop(doc.canvas)


def rgba(grey: np.ndarray) -> np.ndarray:
    out = np.empty(grey.shape[:2] + (4,), np.uint8)
    out[..., :3] = np.clip(np.round(grey), 0, 255).astype(np.uint8)[..., None] \
        if grey.ndim == 2 else np.clip(np.round(grey), 0, 255).astype(np.uint8)
    out[..., 3] = 255
    return out


def stripes(x: np.ndarray) -> np.ndarray:
    """Vertical stripes: 128 + 100 sin(2 pi x / 20), zero crossings at x = 10 n."""
    return 128 + 100 * np.sin(2 * np.pi * x / 20)


def crossings(row: np.ndarray, lo: int, hi: int) -> list[float]:
    """The sub-pixel x where `row` (a grey profile, or RGBA: its red, where opaque) crosses
    128 going either way in lo..hi."""
    shown = row[:, 3] == 255 if row.ndim == 2 else np.ones(len(row), bool)
    v = (row[:, 0] if row.ndim == 2 else row).astype(float) - 128
    out = []
    for x in range(lo, hi - 1):
        if shown[x] and shown[x + 1] and (v[x] == 0 or v[x] * v[x + 1] < 0):
            out.append(x + v[x] / (v[x] - v[x + 1]))
    return out


@pytest.mark.parametrize("lines", ["vertical", "horizontal"])
def test_barrel_distortion_is_straightened_by_the_matching_setting(lines):
    """A photo of straight stripes (a checkerboard's vertical or horizontal lines) through a
    barrel lens r_d = r (1 + k r^2) / (1 + k), k = -0.2 (the lines bow out), made by solving
    for r at each pixel; Remove Distortion +80 (k = -0.25 x 0.8) puts each line back where
    it was, straight: all along it within a pixel of its place (10 n), where the photo's
    strayed by several pixels; -80 does not straighten them."""
    k = -0.2
    y, x = np.mgrid[0:H, 0:W].astype(float)
    dx, dy = (x - CX) / D, (y - CY) / D
    rd = np.hypot(dx, dy)
    r = rd.copy()
    for _ in range(30):  # Newton on r (1 + k r^2) / (1 + k) = rd
        r -= (r * (1 + k * r * r) / (1 + k) - rd) / ((1 + 3 * k * r * r) / (1 + k))
    scale = np.where(rd > 0, r / np.maximum(rd, 1e-12), 1)
    bent = rgba(stripes(CX + dx * scale * D) if lines == "vertical"
                else stripes(CY + dy * scale * D))
    amount = round(-k / DISTORTION_K * 100)
    assert amount == 80
    out = applied(LensCorrection(distortion=amount), bent)
    wrong = applied(LensCorrection(distortion=-amount), bent)
    if lines == "horizontal":  # (measured along the columns)
        bent, out, wrong = (image.transpose(1, 0, 2) for image in (bent, out, wrong))
    h, w = bent.shape[:2]
    rows = range(12, h - 12)  # (the sides' middles are the Edge's)

    def bowed(image):
        """How far a line strays from where it crosses the middle row (px)."""
        middle = np.array(crossings(image[h // 2], 15, w - 15))
        return max(np.abs(middle - c).min() for row in rows
                   for c in crossings(image[row], 15, w - 15))

    assert bowed(bent) > 2.5  # the lens bent them
    assert bowed(out) < 1.0  # straight again, within a pixel,
    assert max(abs(c - 10 * round(c / 10)) for row in rows  # and where they were
               for c in crossings(out[row], 15, w - 15)) < 1.0
    assert bowed(wrong) > 2.5  # (the wrong way)


def pattern(x, y):
    return 128 + 50 * np.sin(x / 2.0) + 40 * np.sin(y / 2.1 + x / 7.0)


def test_a_red_fringe_of_one_percent_is_realigned_by_fix_red_cyan():
    """Red made 1 % larger about the centre than green and blue (a lateral chromatic
    aberration): Fix Red/Cyan Fringe +100 puts red back on green (within a level or two on
    average, from tens), leaving green and blue as they were; -100 makes it worse."""
    y, x = np.mgrid[0:H, 0:W].astype(float)
    grey = pattern(x, y)
    red = pattern(CX + (x - CX) / 1.01, CY + (y - CY) / 1.01)
    pixels = rgba(np.stack([red, grey, grey], axis=-1))
    inner = (slice(10, H - 10), slice(10, W - 10))

    def misfit(image):
        return np.abs(image[inner][..., 0].astype(int) - image[inner][..., 1]).mean()

    assert misfit(pixels) > 6
    out = applied(LensCorrection(red=100), pixels)
    assert misfit(out) < 2.0
    np.testing.assert_array_equal(out[..., 1:], pixels[..., 1:])  # (scale 1: read in place)
    assert misfit(applied(LensCorrection(red=-100), pixels)) > misfit(pixels)
    # Blue/Yellow does the same to blue.
    swapped = pixels[..., [1, 1, 0, 3]]
    out = applied(LensCorrection(blue=100), swapped)
    assert np.abs(out[inner][..., 2].astype(int) - out[inner][..., 1]).mean() < 2.0


def test_vignette_darkens_the_corners_and_not_the_centre_and_midpoint_moves_its_start():
    flat = rgba(np.full((H, W), 160.0))
    out = applied(LensCorrection(vignette=-60), flat)
    assert (out[H // 2 - 5:H // 2 + 5, W // 2 - 5:W // 2 + 5, :3] == 160).all()
    assert out[0, 0, 0] < 160 * 0.45 and out[-1, -1, 0] < 160 * 0.45
    diagonal = [int(out[round(CY - t * CY), round(CX - t * CX), 0]) for t in np.linspace(0, 1, 9)]
    assert diagonal == sorted(diagonal, reverse=True)  # darker towards the corner
    np.testing.assert_array_equal(out[..., 3], 255)
    # At 40 % of the way to a corner a low Midpoint has begun, a high one not yet.
    at = (round(CY - 0.4 * CY), round(CX - 0.4 * CX))
    assert applied(LensCorrection(vignette=-60, midpoint=10), flat)[at][0] < 150
    assert applied(LensCorrection(vignette=-60, midpoint=80), flat)[at][0] == 160
    # Positive lightens the corners.
    assert applied(LensCorrection(vignette=60), flat)[0, 0, 0] > 220


def keystoned(kv: float, a: float = 0.4, b: float = 0.4) -> np.ndarray:
    """An upright white rectangle (half-width a, half-height b in half-diagonals) on black
    as a camera tilted by the perspective kv shows it (its sides leaning in at the top for
    kv < 0)."""
    import cv2

    corners = [(-a, -b), (a, -b), (a, b), (-a, b)]
    seen = [(x / (1 + kv * y), y / (1 + kv * y)) for x, y in corners]  # where the lens put them
    pts = np.array([[(CX + x * D) * 16, (CY + y * D) * 16] for x, y in seen], np.int32)
    grey = np.zeros((H, W), np.uint8)
    cv2.fillPoly(grey, [pts], 255, cv2.LINE_AA, shift=4)
    return rgba(grey.astype(float))


def test_vertical_perspective_makes_converging_verticals_parallel():
    """A rectangle shot from below (its sides leaning in towards the top: the image of an
    upright rectangle under the perspective of kv = -0.4) stands upright again with
    Vertical Perspective -40: its left side within a pixel of the same x from top to bottom,
    where the photo's leaned by tens of pixels."""
    kv = -0.4
    a = b = 0.4  # the upright rectangle's half-width and half-height (half-diagonals)
    pixels = keystoned(kv, a, b)
    amount = round(kv / PERSPECTIVE_K * 100)
    out = applied(LensCorrection(vertical=amount, edge="black"), pixels)

    def left_sides(image, rows):
        return [crossings(image[r, :, 0], 0, W // 2)[0] for r in rows]

    top, bottom = round(CY - 0.75 * b * D), round(CY + 0.75 * b * D)
    before = left_sides(pixels, (top, bottom))
    assert before[0] - before[1] > 10  # leaning in at the top
    after = left_sides(out, range(top, bottom + 1, 5))
    assert max(after) - min(after) < 1.0
    assert abs(np.mean(after) - (CX - a * D)) < 1.0
    # Its top is widened, its bottom narrowed (negative: the top spread out).
    assert left_sides(out, (top,))[0] < before[0] and left_sides(out, (bottom,))[0] > before[1]


def test_angle_turns_clockwise_and_scale_is_about_the_centre():
    pixels = rgba(np.zeros((H, W)))
    pixels[round(CY) - 2:round(CY) + 3, round(CX) + 40:round(CX) + 45, :3] = 255  # right of centre

    def spot(image):
        y, x = np.nonzero(image[..., 0] > 128)
        return x.mean() - CX, y.mean() - CY

    x, y = spot(applied(LensCorrection(angle=90.0), pixels))
    assert abs(x) < 1.5 and abs(y - 42) < 1.5  # now below the centre: clockwise
    x, y = spot(applied(LensCorrection(angle=270.0), pixels))
    assert abs(x) < 1.5 and abs(y + 42) < 1.5
    x, y = spot(applied(LensCorrection(scale=150), pixels))
    assert abs(x - 42 * 1.5) < 1.5 and abs(y) < 1.5


@pytest.mark.parametrize("edge, corner", [("transparent", (0, 0, 0, 0)),
                                          ("black", (0, 0, 0, 255)),
                                          ("white", (255, 255, 255, 255)),
                                          ("extend", (255, 0, 0, 255))])
def test_the_edge_fills_what_lies_beyond_the_picture(edge, corner):
    """Scale 60 % leaves a frame around the shrunk picture: transparent, black, white, or
    the picture's edge repeated (its red border here)."""
    pixels = rgba(np.full((H, W), 90.0))
    pixels[:3], pixels[-3:], pixels[:, :3], pixels[:, -3:] = (255, 0, 0, 255), \
        (255, 0, 0, 255), (255, 0, 0, 255), (255, 0, 0, 255)
    out = applied(LensCorrection(scale=60, edge=edge), pixels)
    assert tuple(out[2, 2]) == corner and tuple(out[-3, W // 2]) == corner
    assert tuple(out[H // 2, W // 2]) == (90, 90, 90, 255)


def test_a_selection_shows_the_correction_of_the_whole_picture_inside_it_only():
    """The lens's centre is the picture's: inside a selection the pixels are those of the
    whole picture corrected; outside it nothing changes."""
    pixels = photo(W, H)
    op = LensCorrection(distortion=60, red=30, vignette=-40, vertical=-20, angle=5.0,
                        scale=95, edge="extend")
    whole = applied(op, pixels)
    box = Box(20, 30, 90, 70)
    part = applied(op, pixels, box)
    np.testing.assert_array_equal(part[box.slices()], whole[box.slices()])
    outside = np.ones((H, W), bool)
    outside[box.slices()] = False
    np.testing.assert_array_equal(part[outside], pixels[outside])


def test_zero_settings_change_nothing_and_it_is_registered():
    assert LensCorrection().is_identity() and LensCorrection(angle=360.0).is_identity()
    assert not LensCorrection(vignette=1).is_identity()
    assert mf.FILTERS["lens_correction"] is LensCorrection
    with pytest.raises(ValueError, match="edge"):
        LensCorrection(edge="mirror")


@pytest.mark.parametrize("op", [
    LensCorrection(distortion=70, red=40, blue=-30, vignette=-50, vertical=-30,
                   horizontal=20, angle=10.0, scale=90, edge="extend"),
    LensCorrection(distortion=-50, green=60, vignette=40, midpoint=20, vertical=90,
                   scale=130, edge="white")], ids=["extend", "white"])
def test_bands_do_not_show(monkeypatch, op):
    assert_bands_do_not_show(monkeypatch, op, 70, 90, 80)


def test_the_vignette_is_the_pictures_not_the_edges():
    """Shrunk to 60 % on a white edge, the darkened corners are the picture's; the white
    frame around it stays white."""
    out = applied(LensCorrection(scale=60, vignette=-100, edge="white"),
                  rgba(np.full((H, W), 200.0)))
    assert tuple(out[1, 1]) == (255, 255, 255, 255)
    corner = (round(CY - 0.58 * CY), round(CX - 0.58 * CX))  # the shrunk picture's corner
    assert out[corner][0] < 60


def test_a_soft_selection_fades_the_correction_in():
    """A feathered selection: full correction at its middle, none outside, a mix between."""
    from editor.model import selection_ops

    pixels = photo(W, H)
    op = LensCorrection(distortion=80, angle=30.0, edge="black")
    whole = applied(op, pixels)
    doc = Document(W, H)
    layer = Layer("photo", pixels.copy(), 0, 0)
    doc.add_layer(layer)
    mask = np.zeros((H, W), np.uint8)
    mask[:, : W // 2] = 255
    mask[:, W // 2 - 10: W // 2 + 10] = np.linspace(255, 0, 20).astype(np.uint8)
    selection_ops.select_mask(doc, mask)
    filter_ops.apply(doc, op, layer)
    out = layer.canvas_crop(doc.canvas).astype(int)
    np.testing.assert_array_equal(out[:, :W // 2 - 12], whole[:, :W // 2 - 12])
    np.testing.assert_array_equal(out[:, W // 2 + 12:], pixels[:, W // 2 + 12:])
    col = W // 2
    mid = out[:, col, :3]
    lo = np.minimum(whole[:, col, :3], pixels[:, col, :3]).astype(int) - 1
    hi = np.maximum(whole[:, col, :3], pixels[:, col, :3]).astype(int) + 1
    assert ((mid >= lo) & (mid <= hi)).all()
    assert (np.abs(mid - whole[:, col, :3]) > 3).any()
    assert (np.abs(mid - pixels[:, col, :3]) > 3).any()


def test_horizontal_perspective_is_the_vertical_turned_a_quarter():
    """The keystoned rectangle turned on its side (transposed: its sides leaning in towards
    the left) is straightened by Horizontal Perspective as the upright one by Vertical."""
    pixels = keystoned(-0.4)
    upright = applied(LensCorrection(vertical=-40, edge="black"), pixels)
    side = applied(LensCorrection(horizontal=-40, edge="black"),
                   np.ascontiguousarray(pixels.transpose(1, 0, 2)))
    assert np.abs(side.transpose(1, 0, 2).astype(int) - upright).max() <= 1
    assert np.abs(upright.astype(int) - pixels).max() > 100


def test_a_small_layer_is_corrected_about_the_canvas_centre():
    """A small layer in the canvas's top-left corner turned 180°: it lands in the bottom-right
    corner (the lens's centre is the canvas's, not the layer's)."""
    doc = Document(W, H)
    layer = Layer("small", rgba(np.full((20, 30), 200.0)), 0, 0)
    doc.add_layer(layer)
    filter_ops.apply(doc, LensCorrection(angle=180.0), layer)
    out = layer.canvas_crop(doc.canvas)
    assert (out[-20:, -30:, 3] == 255).all() and (out[-20:, -30:, 0] == 200).all()
    assert not out[:H - 21, :, 3].any() and not out[:, :W - 31, 3].any()
