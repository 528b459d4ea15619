"""Fill layers (Solid Color) and shape layers in the model: the composite against a numpy
reference (colour x mask x opacity over the layers below), blend modes, clipping and
groups; the shapes' geometry; New Fill Layer with and without a selection, a colour
change as one undo step; Merge Down, Flatten, Export; PSD round trips through our reader
and psd-tools' (SolidColorFill, the colour, the merged image) and `info`."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from editor.model import Document, DocumentError, FillLayer, Group, Layer, LayerMask
from editor.model import adjustment_ops, adjustments as adj, path_edit
from editor.model.files import export_image, open_document, save_document
from editor.model.render import Renderer, composite_document
from engine.box import Box

from reference_compositing import blend_onto, composite_reference, premultiplied
from _documents import noise, stacked

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W, H = 40, 30
COLOR = (230, 40, 90)


def photo(seed: int = 1, alpha: bool = True) -> np.ndarray:
    return noise(H, W, seed, alpha)


def document(*nodes, background=None) -> Document:
    return stacked(W, H, photo() if background is None else background, *nodes)


def straight(premultiplied_rgba: np.ndarray) -> np.ndarray:
    """Premultiplied float64 -> straight uint8-scale floats, as the composite gives."""
    a = premultiplied_rgba[..., 3:4]
    with np.errstate(divide="ignore", invalid="ignore"):
        rgb = np.where(a > 0, premultiplied_rgba[..., :3] / a, 0.0)
    return np.concatenate([rgb, a], axis=-1) * 255


def fill_reference(below: np.ndarray, color, coverage: np.ndarray, opacity: int,
                   mode: str = "normal") -> np.ndarray:
    """The fill over `below` (straight uint8 RGBA): colour x coverage x opacity, blended."""
    source = np.empty(below.shape, np.float64)
    source[..., :3] = np.asarray(color, np.float64) / 255
    source[..., 3] = coverage / 255.0
    return straight(blend_onto(premultiplied(below), source, mode, opacity / 255.0))


def assert_near(ours: np.ndarray, reference: np.ndarray, tol: float = 1.5) -> None:
    """Straight RGBA within `tol` levels, compared as what each pixel contributes
    (premultiplied: a colour under a faint alpha is moot). The 16-bit composite of a
    translucent layer at part opacity strays up to ~1.4 levels from the float reference
    (Qt's opacity steps), a pixel layer's as much as a fill's."""
    ours = ours.astype(np.float64)
    assert np.abs(ours[..., 3] - reference[..., 3]).max() <= tol
    contributed = np.abs(ours[..., :3] * ours[..., 3:] - reference[..., :3] * reference[..., 3:])
    assert contributed.max() / 255 <= tol


# -- compositing ---------------------------------------------------------------------------

@pytest.mark.parametrize("opacity", [255, 140])
def test_fill_is_colour_times_mask_times_opacity_over_the_layers_below(opacity):
    rng = np.random.default_rng(3)
    values = rng.integers(0, 256, (H - 4, W - 6), dtype=np.uint8)
    fill = FillLayer("Fill", adj.SolidColor(COLOR), opacity=opacity)
    fill.mask = LayerMask(values, 2, 3, default=0)
    doc = document(fill)
    below = photo()
    coverage = np.zeros((H, W))
    coverage[3:3 + values.shape[0], 2:2 + values.shape[1]] = values
    reference = fill_reference(below, COLOR, coverage, opacity)
    assert_near(composite_document(doc), reference)
    # Exactly what a pixel layer of that colour with the mask as alpha composites to (over
    # the mask's box: Qt rounds a pixel by the span it is drawn in).
    pixels = np.empty(values.shape + (4,), np.uint8)
    pixels[..., :3], pixels[..., 3] = COLOR, values
    twin = document(Layer("Twin", pixels, 2, 3, opacity=opacity))
    np.testing.assert_array_equal(composite_document(doc), composite_document(twin))
    # The screen (8-bit) composite draws the same, within its rounding.
    renderer = Renderer(doc)
    renderer.update()
    screen = renderer.composite.to_straight_rgba8()
    assert_near(screen, reference, 2.0)
    # Without a mask: opaque colour everywhere, over transparent pixels too.
    fill.mask = None
    fill.changed()
    reference = fill_reference(below, COLOR, np.full((H, W), 255.0), opacity)
    assert_near(composite_document(doc), reference, 1.5 if opacity == 255 else 2.0)


def test_renderer_updates_with_fill_layers_equal_a_fresh_render():
    """A layer dragged under and over a shape layer and an unmasked fill at part opacity,
    the fill's colour and the shape's path changed: after each settled update the screen is
    bit-for-bit what a new Renderer draws."""
    doc = document()
    layer = doc.add_image(photo(8, alpha=False)[:10, :12], "Small", 3, 3)
    shape = adjustment_ops.add_shape(doc, "ellipse", (6, 4, 30, 26), COLOR)
    fill = adjustment_ops.add_adjustment(doc, "solid_color", adj.SolidColor((0, 90, 200)),
                                         with_mask=False)
    doc.set_opacity(fill, 90)
    renderer = Renderer(doc)
    renderer.update()

    def check():
        renderer.settle()
        renderer.update()
        fresh = Renderer(doc)
        fresh.update()
        np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)

    for step in range(4):
        renderer.set_focus(layer)
        doc.translate(layer, 3, 2, merge_key=("drag", 1))
        renderer.update()
        check()
    doc.reorder(layer, doc.root, len(doc.root.children) - 1)  # over the fills
    doc.translate(layer, -5, 1)
    check()
    adjustment_ops.set_settings(doc, fill, adj.SolidColor((255, 255, 0)))
    doc.translate(shape, 4, 3)
    check()


def settled_as_fresh(renderer, doc) -> np.ndarray:
    """`renderer`'s picture once updated and settled (straight RGBA8), checked to be what a
    new Renderer draws from scratch."""
    renderer.update()
    renderer.settle()
    renderer.update()
    ours = renderer.composite.to_straight_rgba8()
    fresh = Renderer(doc)
    fresh.update()
    np.testing.assert_array_equal(ours, fresh.composite.to_straight_rgba8())
    return ours


def test_a_shape_layers_pixels_are_kept_between_redraws(monkeypatch):
    """A second full redraw of a shape layer neither fills its path again nor makes its
    pixels; a new colour, a reshaped path, a move and a stroke on a layer mask added to
    it each show at once (as a fresh Renderer draws them), a move without making the
    pixels again and a stroke by redoing only the box it touched."""
    from editor.model import mask_ops, vector_mask
    from editor.model.vector_mask import Subpath

    doc = document()
    shape = adjustment_ops.add_shape(doc, "ellipse", (4, 3, 36, 27), COLOR)
    calls = []
    fill, content = vector_mask._fill, FillLayer.content
    monkeypatch.setattr(vector_mask, "_fill",
                        lambda *a: calls.append(("path", None)) or fill(*a))
    monkeypatch.setattr(FillLayer, "content",
                        lambda self, box, *a: calls.append(("pixels", box))
                        or content(self, box, *a))
    renderer = Renderer(doc)

    def redraw_all():
        doc.region_changed.emit(doc.canvas, None)
        return settled_as_fresh(renderer, doc)

    first = redraw_all()
    assert {kind for kind, _ in calls} == {"path", "pixels"}
    calls.clear()
    renderer.update()
    doc.region_changed.emit(doc.canvas, None)
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(), first)
    assert calls == []

    adjustment_ops.set_settings(doc, shape, adj.SolidColor((0, 0, 255)))
    shown = redraw_all()
    assert tuple(shown[15, 20, :3]) == (0, 0, 255) and ("path", None) not in calls
    assert tuple(shown[4, 5, :3]) != (0, 0, 255)  # outside the ellipse
    square = path_edit.rectangle_knots(4, 3, 36, 27)
    mask_ops.reshape_vector_mask(doc, shape, shape.vector_mask.with_subpaths(
        [Subpath(square, True, 1)]), "Edit Path")
    shown = redraw_all()
    assert tuple(shown[4, 5, :3]) == (0, 0, 255)  # the rectangle's corner
    calls.clear()
    doc.translate(shape, 2, 1)
    renderer.update()
    shown = renderer.composite.to_straight_rgba8()
    assert tuple(shown[27, 37, :3]) == (0, 0, 255) and tuple(shown[3, 5, :3]) != (0, 0, 255)
    assert calls == []  # moved inside the canvas: the same pixels, placed elsewhere
    redraw_all()

    mask_ops.add_mask(doc, shape, "reveal_all")
    redraw_all()
    calls.clear()
    dab = Box(10, 8, 5, 4)
    edit = mask_ops.begin_mask_stroke(doc, shape, "Brush", dab)
    edit.apply(doc, dab.translate(-shape.mask.x, -shape.mask.y),
               lambda view: view.fill(0))
    mask_ops.end_mask_stroke(doc, edit)
    renderer.update()
    assert [box for kind, box in calls if kind == "pixels"] == [dab]
    shown = redraw_all()
    assert (shown[8:12, 10:15, :3] != (0, 0, 255)).any(axis=-1).all()
    assert tuple(shown[15, 20, :3]) == (0, 0, 255)


@pytest.mark.parametrize("mode", ["multiply", "screen", "overlay", "color_burn", "difference",
                                  "hue", "luminosity"])
def test_fill_blend_modes_match_the_reference(mode):
    fill = FillLayer("Fill", adj.SolidColor(COLOR), blend_mode=mode, opacity=200)
    doc = document(fill, background=photo(alpha=False))
    reference = fill_reference(photo(alpha=False), COLOR, np.full((H, W), 255.0), 200, mode)
    assert_near(composite_document(doc), reference, 1.5)


def test_fill_clipped_to_a_layer_and_a_layer_clipped_to_a_shape():
    """A fill clipped to a layer shows only through that layer's alpha; a layer clipped to
    a shape layer shows only inside the shape; both as psd-tools' reference draws them
    with the fill taken as a layer of its colour."""
    base = photo(2)
    base[:, : W // 2, 3] = 0  # the left half transparent
    layer = Layer("Base", base)
    fill = FillLayer("Fill", adj.SolidColor(COLOR))
    fill.clipping = True
    doc = Document(W, H)
    for node in (layer, fill):
        node.parent = doc.root
        doc.root.children.append(node)
    ours = composite_document(doc)
    assert (ours[:, : W // 2, 3] == 0).all()
    right = ours[:, W // 2:]
    assert (right[..., :3] == COLOR).all() and (right[..., 3] == base[:, W // 2:, 3]).all()
    # A pixel layer clipped to a rectangle shape layer.
    doc = document()
    shape = adjustment_ops.add_shape(doc, "rectangle", (10, 5, 30, 20), COLOR)
    top = doc.add_image(photo(4, alpha=False), "Top", 0, 0)
    top.clipping = True
    shown = composite_document(doc)
    inside = np.zeros((H, W), bool)
    inside[5:20, 10:30] = True
    assert np.abs(shown[inside].astype(int) - photo(4, alpha=False)[inside]).max() <= 1
    np.testing.assert_array_equal(shown[~inside], composite_document(doc, below=shape)[~inside])
    assert shape.vector_mask is not None


def test_fill_inside_groups_draws_across_the_canvas():
    """Inside an isolated group (its own bounds are its layers') and a pass-through group
    at half opacity a fill still paints everywhere its mask shows."""
    for blend, opacity in (("normal", 255), ("pass_through", 128)):
        fill = FillLayer("Fill", adj.SolidColor(COLOR))
        small = Layer("Small", np.full((2, 2, 4), 255, np.uint8), 1, 1)
        group = Group("G", [small, fill], blend_mode=blend, opacity=opacity)
        doc = document(group, background=photo(alpha=False))
        below = photo(alpha=False)
        reference = straight(composite_reference([Layer("b", below)], 0, 0, W, H))
        expected = fill_reference(reference.round().astype(np.uint8), COLOR,
                                  np.full((H, W), 255.0), opacity)
        assert_near(composite_document(doc), expected, 1.5)


def test_ellipse_and_rectangle_paths():
    """Four knots each; the ellipse's Beziers lie on the ellipse (KAPPA), its filled area is
    pi * rx * ry; Shift makes a square, Alt draws from the centre."""
    knots = path_edit.ellipse_knots(10, 4, 30, 24)
    assert knots.shape == (4, 3, 2) and all(path_edit.is_smooth(k) for k in knots)
    np.testing.assert_allclose(knots[:, 1], [(20, 4), (30, 14), (20, 24), (10, 14)])
    # The middle of each quarter strays less than 0.03 % of the radius from the circle.
    for a, b in zip(knots, np.roll(knots, -1, axis=0)):
        p0, p1, p2, p3 = a[1], a[2], b[0], b[1]
        mid = (p0 + 3 * p1 + 3 * p2 + p3) / 8
        assert abs(np.hypot(*(mid - (20, 14))) - 10) < 10 * 3e-4
    rect = path_edit.rectangle_knots(1, 2, 5, 9)
    np.testing.assert_allclose(rect[:, 1], [(1, 2), (5, 2), (5, 9), (1, 9)])
    assert path_edit.shape_box(10, 10, 4, 30) == (4, 10, 10, 30)
    assert path_edit.shape_box(10, 10, 4, 30, square=True) == (-10, 10, 10, 30)
    assert path_edit.shape_box(10, 10, 14, 13, centred=True) == (6, 7, 14, 13)
    assert path_edit.shape_box(10, 10, 14, 13, square=True, centred=True) == (6, 6, 14, 14)
    doc = Document(W, H)
    layer = adjustment_ops.add_shape(doc, "ellipse", (4.5, 3.5, 34.5, 25.5), COLOR)
    alpha = composite_document(doc)[..., 3].astype(np.float64) / 255
    assert abs(alpha.sum() - np.pi * 15 * 11) < 0.005 * np.pi * 15 * 11
    assert layer.name == "Ellipse 1" and layer.mask is None
    assert alpha[14, 19] == 1 and alpha[4, 5] == 0 and alpha[24, 33] == 0
    with pytest.raises(DocumentError):
        adjustment_ops.add_shape(doc, "rectangle", (3, 3, 3.5, 10), COLOR)


def test_rounded_rectangle_polygon_and_line_geometry():
    """A rounded rectangle's area is w*h - (4 - pi) r^2 (its corners quarter circles, the
    Beziers' middles on them), its radius at most half a side; a polygon's corners lie on
    its circle, equally spaced, one where the drag ends (Shift: straight up); a line is a
    band `weight` wide from end to end (Shift: 45 degrees); each is a layer named as
    Photoshop names it, made and undone in one step."""
    knots = path_edit.rounded_rectangle_knots(4.5, 3.5, 34.5, 25.5, 8)
    assert knots.shape == (8, 3, 2)
    centres = [(12.5, 11.5), (26.5, 11.5), (26.5, 17.5), (12.5, 17.5)]  # of the corner arcs
    for i in range(0, 8, 2):  # the arcs run from knot 2i+1 to knot 2i+2 (the last wraps)
        a, b = knots[(i + 1) % 8], knots[(i + 2) % 8]
        mid = (a[1] + 3 * a[2] + 3 * b[0] + b[1]) / 8
        centre = centres[(i // 2 + 1) % 4]
        assert abs(np.hypot(*(a[1] - centre)) - 8) < 1e-9
        assert abs(np.hypot(*(mid - centre)) - 8) < 8 * 3e-4
    # Radius 0 is the rectangle; a radius over half the shorter side makes a stadium whose
    # arcs meet in one smooth anchor.
    np.testing.assert_allclose(path_edit.rounded_rectangle_knots(1, 2, 5, 9, 0),
                               path_edit.rectangle_knots(1, 2, 5, 9))
    stadium = path_edit.rounded_rectangle_knots(0, 0, 30, 10, 50)
    assert stadium.shape == (6, 3, 2) and path_edit.is_smooth(stadium[2])

    doc = Document(W, H)
    steps = doc.history.count
    layer = adjustment_ops.add_shape(doc, "rounded_rectangle", (4.5, 3.5, 34.5, 25.5),
                                     COLOR, radius=8)
    assert layer.name == "Rounded Rectangle 1"
    assert doc.history.undo_name() == "Rounded Rectangle Tool"
    assert doc.history.count == steps + 1
    alpha = composite_document(doc)[..., 3].astype(np.float64) / 255
    area = 30 * 22 - (4 - np.pi) * 8 ** 2
    assert abs(alpha.sum() - area) < 0.003 * area
    assert alpha[4, 5] == 0 and alpha[4, 19] == 1 and alpha[14, 5] == 1  # a corner, edges
    doc.history.undo()
    assert layer not in list(doc.nodes())

    corners = path_edit.polygon_knots(20, 15, 27, 22, 5)[:, 1]
    np.testing.assert_allclose(corners[0], (27, 22))
    np.testing.assert_allclose(np.hypot(corners[:, 0] - 20, corners[:, 1] - 15), np.hypot(7, 7))
    turns = np.diff(np.unwrap(np.arctan2(corners[:, 1] - 15, corners[:, 0] - 20)))
    np.testing.assert_allclose(turns, 2 * np.pi / 5)  # clockwise on the canvas
    upright = path_edit.shape_drag("polygon", 20, 15, 27, 22, shift=True)
    np.testing.assert_allclose(upright, (20, 15, 20, 15 - np.hypot(7, 7)))
    layer = adjustment_ops.add_shape(doc, "polygon", (20, 15, 20, 4), COLOR, sides=6)
    assert layer.name == "Polygon 1" and len(layer.vector_mask.subpaths[0].knots) == 6
    alpha = composite_document(doc)[..., 3].astype(np.float64) / 255
    area = 6 / 2 * 11 ** 2 * np.sin(2 * np.pi / 6)
    assert abs(alpha.sum() - area) < 0.003 * area
    doc.history.undo()

    band = path_edit.line_knots(3, 4, 33, 20, 5)[:, 1]
    direction = np.array([30, 16]) / np.hypot(30, 16)
    across = band[3] - band[0]
    assert abs(np.hypot(*across) - 5) < 1e-9 and abs(np.dot(across, direction)) < 1e-9
    np.testing.assert_allclose((band[0] + band[3]) / 2, (3, 4))
    np.testing.assert_allclose((band[1] + band[2]) / 2, (33, 20))
    assert path_edit.shape_drag("line", 2, 2, 12, 11, shift=True) == (2, 2, 11.5, 11.5)
    assert path_edit.shape_drag("line", 2, 2, 12, 3, shift=True) == (2, 2, 12, 2)
    layer = adjustment_ops.add_shape(doc, "line", (5, 15, 35, 15), COLOR, weight=4)
    assert layer.name == "Line 1"
    alpha = composite_document(doc)[..., 3].astype(np.float64) / 255
    assert (alpha[13:17, 5:35] == 1).all() and alpha.sum() == 30 * 4
    doc.history.undo()
    layer = adjustment_ops.add_shape(doc, "line", (3, 4, 33, 20), COLOR, weight=5)
    alpha = composite_document(doc)[..., 3].astype(np.float64) / 255
    assert abs(alpha.sum() - 5 * np.hypot(30, 16)) < 0.003 * 5 * np.hypot(30, 16)
    with pytest.raises(DocumentError):
        adjustment_ops.add_shape(doc, "line", (5, 5, 5.2, 5.1), COLOR)
    with pytest.raises(DocumentError):
        adjustment_ops.add_shape(doc, "polygon", (5, 5, 5.2, 5.1), COLOR)


# -- operations ----------------------------------------------------------------------------

def test_new_fill_layer_with_and_without_a_selection_and_colour_undo():
    doc = document()
    doc.add_image(photo(5), "Layer 1", 0, 0)
    steps = doc.history.count
    layer = adjustment_ops.add_adjustment(doc, "solid_color", adj.SolidColor(COLOR))
    assert isinstance(layer, FillLayer) and layer.name == "Color Fill 1"
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Fill Layer"
    assert doc.active is layer and layer.mask is not None and (layer.mask.pixels == 255).all()
    assert doc.mask_targeted  # the brush paints its mask, as on an adjustment layer
    doc.history.undo()
    assert layer not in list(doc.nodes())
    # With a selection: the mask is the selection.
    doc.set_selection(Box(5, 4, 10, 8))
    layer = adjustment_ops.add_adjustment(doc, "solid_color", adj.SolidColor(COLOR),
                                          name="  Pink  ")
    assert layer.name == "Pink"
    coverage = layer.mask.coverage(doc.canvas)
    assert (coverage[4:12, 5:15] == 255).all() and coverage.sum() == 255 * 80
    shown = composite_document(doc)
    assert (shown[4:12, 5:15, :3] == COLOR).all()
    np.testing.assert_array_equal(shown[:4], composite_document(doc, below=layer)[:4])
    # A colour change is one step; undo brings the old colour back.
    before = doc.history.count
    adjustment_ops.set_settings(doc, layer, adj.SolidColor((0, 0, 255)))
    assert doc.history.count == before + 1
    assert (composite_document(doc)[4:12, 5:15, :3] == (0, 0, 255)).all()
    doc.history.undo()
    assert layer.settings.color == COLOR
    np.testing.assert_array_equal(composite_document(doc), shown)
    with pytest.raises(ValueError):
        adj.SolidColor((256, 0, 0))


def test_merge_down_flatten_and_export_keep_what_the_canvas_shows(tmp_path):
    doc = document()
    base = doc.add_image(photo(6)[5:15, 5:15], "Small", 5, 5)
    shape = adjustment_ops.add_shape(doc, "ellipse", (2, 2, 38, 28), COLOR)
    shape.opacity = 180
    shown = composite_document(doc)
    # Merge Down: the small layer grows to where the shape shows; the picture is the same.
    doc.set_active(shape)
    merged = doc.merge_down(shape)
    assert merged is base and shape not in list(doc.nodes())
    assert merged.bounds().intersect(Box(3, 3, 34, 24)) == Box(3, 3, 34, 24)
    assert np.abs(composite_document(doc).astype(int) - shown).max() <= 1
    doc.history.undo()
    assert shape in list(doc.nodes()) and base.bounds() == Box(5, 5, 10, 10)
    # Flatten and Export: the same picture.
    export_image(doc, tmp_path / "out.png")
    from PIL import Image

    exported = np.asarray(Image.open(tmp_path / "out.png").convert("RGBA"))
    assert np.abs(exported.astype(int) - shown).max() <= 1
    flat = doc.flatten()  # (a Background: over white where the picture is see-through)
    from editor.model.images import flatten_on_white

    np.testing.assert_array_equal(flat.pixels[..., :3], flatten_on_white(shown))
    assert (flat.pixels[..., 3] == 255).all()


def test_a_shape_layer_moves_and_transforms_its_path():
    doc = document()
    shape = adjustment_ops.add_shape(doc, "rectangle", (4, 4, 14, 12), COLOR)
    doc.translate(shape, 10, 6)
    shown = composite_document(doc)
    assert (shown[10:18, 14:24, :3] == COLOR).all()
    assert (shown[4:10, 4:14, :3] != COLOR).any(axis=-1).all()
    doc.flip(shape, horizontal=True)  # about its path's box: stays in place
    assert (composite_document(doc)[10:18, 14:24, :3] == COLOR).all()
    # The Move tool's Auto-Select takes the shape where it shows, the picture elsewhere.
    from editor.model import pick

    assert pick.layer_at(doc, 18, 14) is shape
    assert pick.layer_at(doc, 2, 2) is doc.root.children[0]


# -- files ---------------------------------------------------------------------------------

def test_psd_round_trip_through_our_reader_and_psd_tools(tmp_path):
    from psd_tools import PSDImage
    from psd_tools.api.adjustments import SolidColorFill

    doc = document()
    doc.set_selection(Box(5, 4, 12, 10))
    fill = adjustment_ops.add_adjustment(doc, "solid_color", adj.SolidColor(COLOR))
    doc.set_selection(None)
    doc.set_opacity(fill, 200)
    doc.set_blend_mode(fill, "multiply")
    shape = adjustment_ops.add_shape(doc, "ellipse", (20, 3, 38, 27), (10, 200, 30))
    top = doc.add_image(photo(7, alpha=False), "Clipped", 0, 0)
    top.clipping = True  # clipped to the shape
    shown = composite_document(doc)
    save_document(doc, tmp_path / "fill.psd")

    again = open_document(tmp_path / "fill.psd")
    nodes = {n.name: n for n in again.nodes()}
    f, s = nodes["Color Fill 1"], nodes["Ellipse 1"]
    assert isinstance(f, FillLayer) and f.settings == adj.SolidColor(COLOR)
    assert (f.opacity, f.blend_mode) == (200, "multiply") and f.mask is not None
    np.testing.assert_array_equal(f.mask.coverage(again.canvas), fill.mask.coverage(doc.canvas))
    assert isinstance(s, FillLayer) and s.settings.color == (10, 200, 30)
    assert s.mask is None and s.vector_mask is not None
    np.testing.assert_allclose(s.vector_mask.moved_knots()[0], shape.vector_mask.moved_knots()[0],
                               atol=1e-4)
    assert nodes["Clipped"].clipping
    assert np.abs(composite_document(again).astype(int) - shown).max() <= 1

    psd = PSDImage.open(tmp_path / "fill.psd")
    theirs = {layer.name: layer for layer in psd.descendants()}
    # A fill layer is psd-tools' SolidColorFill with our colour; with a path it is its
    # ShapeLayer (as Photoshop's shape layers are), holding the same 'SoCo'.
    assert isinstance(theirs["Color Fill 1"], SolidColorFill)
    color = theirs["Color Fill 1"].data
    assert [float(color[k]) for k in (b"Rd  ", b"Grn ", b"Bl  ")] == list(COLOR)
    assert theirs["Ellipse 1"].kind == "shape" and theirs["Ellipse 1"].has_vector_mask()
    assert theirs["Color Fill 1"].opacity == 200 and theirs["Color Fill 1"].has_mask()
    # psd-tools draws our file as we do, and the merged image holds the fills.
    drawn = np.asarray(psd.composite(force=True).convert("RGBA")).astype(int)
    assert np.abs(drawn[..., :3] - shown[..., :3])[shown[..., 3] > 16].max() <= 3
    merged = np.asarray(psd.topil().convert("RGBA")).astype(int)
    assert np.abs(merged[..., 3] - shown[..., 3]).max() <= 1
    opaque = shown[..., 3] == 255
    assert np.abs(merged[..., :3] - shown[..., :3])[opaque].max() <= 1


def test_psd_round_trip_keeps_the_shape_tools_paths(tmp_path):
    """A rounded rectangle, a polygon and a line saved and opened again: the same paths
    (their knots, smooth and corner anchors), shape layers to psd-tools, the same picture."""
    from psd_tools import PSDImage

    doc = document()
    made = [adjustment_ops.add_shape(doc, "rounded_rectangle", (2.5, 3, 20, 17), COLOR,
                                     radius=5),
            adjustment_ops.add_shape(doc, "polygon", (28, 12, 28, 3.5), (0, 0, 255), sides=7),
            adjustment_ops.add_shape(doc, "line", (4, 26, 36, 20.5), (0, 200, 0), weight=3)]
    shown = composite_document(doc)
    save_document(doc, tmp_path / "shapes.psd")
    again = open_document(tmp_path / "shapes.psd")
    nodes = {n.name: n for n in again.nodes()}
    for layer in made:
        other = nodes[layer.name]
        assert isinstance(other, FillLayer) and other.settings == layer.settings
        np.testing.assert_allclose(other.vector_mask.moved_knots()[0],
                                   layer.vector_mask.moved_knots()[0], atol=1e-4)
        assert other.vector_mask.subpaths[0].closed
    assert np.abs(composite_document(again).astype(int) - shown).max() <= 1
    theirs = {layer.name: layer for layer in PSDImage.open(tmp_path / "shapes.psd").descendants()}
    assert all(theirs[layer.name].kind == "shape" for layer in made)


def test_psd_tools_stored_pixels_are_photoshops_form(tmp_path):
    """As Photoshop writes them: flagged 'pixel data irrelevant', the colour over the
    canvas for a fill, over the path's box with the path as alpha for a shape layer."""
    from psd_tools import PSDImage

    doc = Document(W, H)
    adjustment_ops.add_adjustment(doc, "solid_color", adj.SolidColor(COLOR), with_mask=False)
    adjustment_ops.add_shape(doc, "rectangle", (10, 5, 30, 20), (0, 0, 255))
    save_document(doc, tmp_path / "f.psd")
    layers = {l.name: l for l in PSDImage.open(tmp_path / "f.psd").descendants()}
    fill, shape = layers["Color Fill 1"], layers["Rectangle 1"]
    assert fill._record.flags.pixel_data_irrelevant and shape._record.flags.pixel_data_irrelevant
    assert fill.bbox == (0, 0, W, H)
    pixels = np.asarray(fill.topil().convert("RGBA"))
    assert (pixels[..., :3] == COLOR).all() and (pixels[..., 3] == 255).all()
    x0, y0, x1, y1 = shape.bbox
    assert x0 <= 10 and y0 <= 5 and x1 >= 30 and y1 >= 20 and x1 - x0 <= 24
    alpha = np.asarray(shape.topil().convert("RGBA"))[..., 3]
    assert alpha[5 - y0:20 - y0, 10 - x0:30 - x0].min() == 255 and alpha.sum() == 255 * 300


def test_cli_info_lists_fill_layers(tmp_path):
    doc = document()
    adjustment_ops.add_adjustment(doc, "solid_color", adj.SolidColor(COLOR))
    adjustment_ops.add_shape(doc, "rectangle", (1, 1, 9, 9), (0, 0, 255))
    save_document(doc, tmp_path / "f.psd")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    def info(*extra):
        return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "info", *extra,
                               str(tmp_path / "f.psd")], capture_output=True, text=True,
                              env=env, cwd=ROOT, check=True).stdout

    text = info()
    assert "1 layer, 2 fill layers" in text.splitlines()[0]
    assert "'Color Fill 1'" in text and "Solid Color: color=#e6285a" in text
    assert "'Rectangle 1'" in text and "vector mask" in text and "color=#0000ff" in text
    layers = json.loads(info("--json"))["layers"]
    fills = [n for n in layers if n["kind"] == "fill"]
    assert [n["fill"]["settings"]["color"] for n in fills] == [[0, 0, 255], list(COLOR)]
