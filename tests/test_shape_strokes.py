"""Shape layers' vector strokes (Photoshop's 'vstk'): a stroked rectangle against the exact
area of its band (inside, center, outside; whole and fractional widths; fill off), the
stroke's pixels kept between redraws and made again only for a new stroke; PSD round
trips through our writer, our reader and psd-tools (a ShapeLayer with its stroke), keys
we do not model written back as read; and Photoshop's own stroked shapes from psd-tools'
test corpus opened as shape layers with their stroke, against the pixels Photoshop
stored for them, and its stroked rectangles against its merged image; a zoomed-out drag's stand-in drawing the stroke; layer effects made from
the stroke too."""
from __future__ import annotations

import os

import numpy as np
import pytest

from editor.model import Document, FillLayer
from editor.model import adjustment_ops
from editor.model.files import open_document, save_document
from editor.model.render import Renderer, composite_document
from editor.model.shape_stroke import ShapeStroke
from engine.box import Box

W, H = 48, 36
RED, BLUE = (230, 40, 90), (20, 60, 240)
RECT = (10, 6, 36, 26)  # x0, y0, x1, y1: on pixel edges
FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")


def box_area(x0, y0, x1, y1) -> np.ndarray:
    """The area of each pixel of the W x H canvas inside the box (exact)."""
    xs, ys = np.arange(W, dtype=np.float64), np.arange(H, dtype=np.float64)
    wx = np.clip(np.minimum(xs + 1, x1) - np.maximum(xs, x0), 0, 1)
    wy = np.clip(np.minimum(ys + 1, y1) - np.maximum(ys, y0), 0, 1)
    return wy[:, None] * wx[None, :]


def reference(width: float, alignment: str, fill: bool = True) -> np.ndarray:
    """The stroked rectangle as floats 0..255 (straight RGBA): the band between the path
    grown by `out` and shrunk by `inward` (sharp mitred corners: boxes), the stroke's
    colour laid over the fill's."""
    out, inward = {"inside": (0, width), "center": (width / 2, width / 2),
                   "outside": (width, 0)}[alignment]
    x0, y0, x1, y1 = RECT
    band = box_area(x0 - out, y0 - out, x1 + out, y1 + out) \
        - box_area(x0 + inward, y0 + inward, x1 - inward, y1 - inward)
    fa = box_area(*RECT) if fill else np.zeros((H, W))
    alpha = band + fa * (1 - band)
    safe = np.where(alpha > 0, alpha, 1)[..., None]
    rgb = (np.array(BLUE) * band[..., None] + np.array(RED) * (fa * (1 - band))[..., None]) / safe
    return np.concatenate([rgb, alpha[..., None] * 255], axis=-1)


def stroked(width: float, alignment: str, fill: bool = True) -> tuple[Document, FillLayer]:
    doc = Document(W, H)
    stroke = ShapeStroke(width=width, alignment=alignment, color=BLUE, fill=fill)
    layer = adjustment_ops.add_shape(doc, "rectangle", RECT, RED, stroke=stroke)
    return doc, layer


@pytest.mark.parametrize("alignment", ["inside", "center", "outside"])
@pytest.mark.parametrize("width", [4.0, 3.0, 2.5])
def test_a_stroked_rectangle_is_its_exact_band(width, alignment):
    """Every pixel's alpha is the band's exact area over the fill's, within 1/255 (0 where
    the band's edges fall on pixel edges, 0.5 measured on fractional ones; inner corners
    included), the colour the stroke's in the band and the fill's inside it."""
    doc, _ = stroked(width, alignment)
    ours = composite_document(doc).astype(np.float64)
    expected = reference(width, alignment)
    alpha_error = np.abs(ours[..., 3] - expected[..., 3])
    assert alpha_error.max() <= 1, alpha_error.max()
    shown = ours[..., 3] > 0
    assert np.abs(ours[..., :3] - expected[..., :3])[shown & (expected[..., 3] > 250)].max() <= 1
    band = reference(width, alignment, fill=False)[..., 3] > 254
    assert band.sum() > 0 and (ours[band][:, :3] == BLUE).all()


def test_fill_off_leaves_the_band_alone_and_undo_takes_the_shape_away():
    doc, layer = stroked(3.0, "center", fill=False)
    ours = composite_document(doc).astype(np.float64)
    expected = reference(3.0, "center", fill=False)
    assert np.abs(ours[..., 3] - expected[..., 3]).max() <= 1
    assert ours[16, 22, 3] == 0  # the middle of the rectangle: nothing
    # Without a stroke (the plain shape layer) the outside stays empty: the stroke did it.
    adjustment_ops.set_stroke(doc, layer, None)
    plain = composite_document(doc)
    assert plain[4, 20, 3] == 0 and plain[16, 22, 3] == 255
    doc.history.undo()
    assert layer.stroke is not None and not layer.stroke.fill
    doc.history.undo()
    assert not any(isinstance(n, FillLayer) for n in doc.nodes())


def test_a_stroked_shapes_pixels_are_kept_and_made_again_for_a_new_stroke(monkeypatch):
    """Redrawn, moved: the stroke is neither stroked again nor its pixels made again; a
    new width is (and a fresh Renderer draws the same picture)."""
    from editor.model import vector_mask

    doc, layer = stroked(4.0, "outside")
    calls = []
    original = vector_mask._stroke_coverage
    monkeypatch.setattr(vector_mask, "_stroke_coverage",
                        lambda *a: calls.append("stroke") or original(*a))
    content = FillLayer.content
    monkeypatch.setattr(FillLayer, "content",
                        lambda self, *a: calls.append("pixels") or content(self, *a))
    renderer = Renderer(doc)
    renderer.update()
    first = renderer.composite.to_straight_rgba8()
    calls.clear()
    doc.region_changed.emit(doc.canvas, None)
    renderer.update()
    assert calls == []
    doc.translate(layer, 2, 1)
    renderer.update()
    assert calls == []
    moved = renderer.composite.to_straight_rgba8()
    np.testing.assert_array_equal(moved[3:, 2:], first[2:-1, :-2])
    adjustment_ops.set_stroke(doc, layer, layer.stroke.replace(width=6.0))
    renderer.update()
    assert "stroke" in calls and "pixels" in calls
    fresh = Renderer(doc)
    fresh.update()
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(),
                                  fresh.composite.to_straight_rgba8())


def test_psd_round_trip_through_our_reader_and_psd_tools(tmp_path):
    """Saved and opened again: the same stroke (dashes and their offset kept and drawn, no
    warning) and picture; psd-tools sees a
    ShapeLayer with our stroke; the pixels stored for readers without shapes hold the
    stroke."""
    from psd_tools import PSDImage
    from psd_tools.constants import StrokeAlignment

    doc = Document(W, H)
    made = {}
    for alignment, rect, fill in (("inside", (4, 4, 20, 16), True),
                                  ("center", (26, 4, 44, 16), False),
                                  ("outside", (8, 22, 40, 30), True)):
        stroke = ShapeStroke(width=2.5, alignment=alignment, color=BLUE, fill=fill,
                             opacity=80.0, dashes=(2.0, 1.0) if not fill else (),
                             dash_offset=0.5 if not fill else 0.0)
        made[alignment] = adjustment_ops.add_shape(doc, "rectangle", rect, RED, stroke=stroke)
    shown = composite_document(doc)
    save_document(doc, tmp_path / "stroked.psd")
    again = open_document(tmp_path / "stroked.psd")
    nodes = {n.name: n for n in again.nodes()}
    for alignment, layer in made.items():
        other = nodes[layer.name]
        assert isinstance(other, FillLayer) and other.stroke == layer.stroke
    assert np.abs(composite_document(again).astype(int) - shown).max() <= 1
    # Dashes are kept, and drawn: nothing to warn about.
    assert nodes[made["center"].name].stroke.dashes == (2.0, 1.0)
    assert nodes[made["center"].name].stroke.dash_offset == 0.5
    assert not any("dash" in w for w in again.warnings), again.warnings
    solid = Document(W, H)
    adjustment_ops.add_shape(solid, "rectangle", (26, 4, 44, 16), RED,
                             stroke=made["center"].stroke.replace(dashes=()))
    gaps = composite_document(solid)[..., 3].astype(int) - shown[..., 3]
    assert (gaps[:, 20:] > 100).sum() > 10  # the dashed one has gaps the solid one fills
    theirs = {l.name: l for l in PSDImage.open(tmp_path / "stroked.psd").descendants()}
    aligned = {"inside": StrokeAlignment.INNER, "center": StrokeAlignment.CENTER,
               "outside": StrokeAlignment.OUTER}
    for alignment, layer in made.items():
        item = theirs[layer.name]
        assert item.kind == "shape" and item.has_stroke()
        stroke = item.stroke
        assert stroke.enabled and stroke.fill_enabled == layer.stroke.fill
        assert stroke.line_width == 2.5 and stroke.line_alignment == aligned[alignment]
        assert stroke.opacity == 80.0
        assert [float(d) for d in stroke.line_dash_set] == list(layer.stroke.dashes)
        assert float(stroke.line_dash_offset) == layer.stroke.dash_offset
        color = stroke.content[b"Clr "]
        assert tuple(int(color[k]) for k in (b"Rd  ", b"Grn ", b"Bl  ")) == BLUE
    # The stored pixels (for readers without shapes) reach the outside stroke.
    outside = theirs[made["outside"].name]
    left, top, right, bottom = outside.bbox
    assert left <= 5 and top <= 19 and right >= 43 and bottom >= 33
    pixels = np.asarray(outside.topil().convert("RGBA"))
    assert tuple(pixels[19 - top, 15 - left, :3]) == BLUE  # half a pixel of the stroke
    assert abs(int(pixels[19 - top, 15 - left, 3]) - 0.8 * 255 * 0.5) <= 1


def test_photoshops_stroked_shapes_open_as_shape_layers_and_keep_their_blocks(tmp_path):
    """psd-tools' stroke-effects.psd (Photoshop's): its two stroked shapes (a 1 px black
    stroke outside and inside a gradient-filled shape, the fill in 'vscg') open as shape
    layers with their stroke, not as empty pixel layers; their pixels are within a few
    levels of Photoshop's stored ones on average in the stroke's band; saved back, their
    'vstk' and 'vscg' are as read, and a changed width changes that key alone."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    path = os.path.join(FILES, "stroke-effects.psd")
    doc = open_document(path)
    photoshop = {l.name: l for l in PSDImage.open(path).descendants()}
    for name, alignment in (("Stroke OutsetFrame", "outside"), ("Stroke InsetFrame", "inside")):
        node = next(n for n in doc.nodes() if n.name == name)
        assert isinstance(node, FillLayer) and node.settings.kind == "gradient_fill"
        assert node.stroke.alignment == alignment and node.stroke.width == 1.0
        assert node.stroke.color == (0, 0, 0) and node.stroke.content_block
        item = photoshop[name]
        stored = np.asarray(item.topil(), np.uint8).astype(int)
        left, top, right, bottom = item.bbox
        box = Box(left, top, right - left, bottom - top)
        ours = node.content(box, node.active_mask(), node.user_mask()).astype(int)
        band = node.stroke_coverage().coverage(box) > 0
        error = np.abs(ours[..., 3] - stored[..., 3])[band]
        assert error.mean() < 16 and band.sum() > 250
    node = next(n for n in doc.nodes() if n.name == "Stroke InsetFrame")
    adjustment_ops.set_stroke(doc, node, node.stroke.replace(width=2.0))
    save_document(doc, tmp_path / "again.psd")
    written = {l.name: l for l in PSDImage.open(tmp_path / "again.psd").descendants()}
    for name in ("Stroke OutsetFrame", "Stroke InsetFrame"):
        read = photoshop[name].tagged_blocks
        ours = written[name].tagged_blocks
        assert written[name].kind == "shape"
        assert ours.get_data(Tag.VECTOR_STROKE_CONTENT_DATA).key == b"GdFl"
        before, after = read.get_data(Tag.VECTOR_STROKE_DATA), ours.get_data(Tag.VECTOR_STROKE_DATA)
        assert list(after.keys()) == list(before.keys())
        changed = [k for k in before if repr(before[k]) != repr(after[k])
                   and getattr(before[k], "value", None) != getattr(after[k], "value", None)]
        assert changed == ([b"strokeStyleLineWidth"] if name == "Stroke InsetFrame" else [])
    assert written["Stroke InsetFrame"].stroke.line_width == 2.0


def test_photoshops_stroked_rectangles_are_drawn_as_rectangles(qapp):
    """psd-tools' transparency-group.psd (Photoshop's): white rectangles with a 1 px black
    stroke inside, their straight sides stored as cubics with handles on their knots. One
    of them ('Rectangle 1 copy 2') was drawn solid black: its sides, cut into steps, strayed
    by rounding and the stroke filled the shape (content box (0, 125)-(130, 131), the file
    18.2 / 255 off Photoshop's merged image). Now each rectangle's stroke is its band and the
    file composites within a fraction of a level of Photoshop's, on every path."""
    from test_blend_modes_photoshop import check_all_paths

    path = os.path.join(FILES, "transparency-group.psd")
    doc = open_document(path)
    for name, (x, y) in (("Rectangle 1", (0, 0)), ("Rectangle 1 copy", (128, 0)),
                         ("Rectangle 1 copy 2", (0, 128)), ("Rectangle 1 copy 3", (128, 128))):
        node = next(n for n in doc.nodes() if n.name == name)
        assert node.content_bounds(doc.canvas) == Box(x - 2 * (x > 0), y - 2 * (y > 0), 130, 130)
        band = node.stroke_coverage().coverage(Box(x, y, 128, 128))
        assert band.sum() == 508 * 255  # the 1 px band inside the 128 px square
        assert node.content(Box(x + 64, y + 64, 1, 1), node.active_mask()).tolist() == \
            [[[255, 255, 255, 255]]]  # white inside
    check_all_paths(path, 0.08, 14)  # 0.05 / 12 measured


@pytest.mark.parametrize("dragged", ["shape", "below"])
def test_a_zoomed_out_drag_shows_the_stroke_then_settles_exactly(dragged):
    """At half size during a drag (the shape layer's own, or a layer's below it), the
    stand-in draws the stroke too (through its layer mask), within a few levels of the
    exact picture reduced; settled, the picture is exact."""
    from editor.model import Layer, mask_ops

    w, h = 160, 120
    doc = Document(w, h)
    rng = np.random.default_rng(3)
    under = Layer("Under", np.repeat(np.repeat(
        rng.integers(0, 256, (h // 8, w // 8, 4), dtype=np.uint8), 8, 0), 8, 1))
    under.pixels[..., 3] = 255
    doc.add_layer(under)
    stroke = ShapeStroke(width=6.0, alignment="outside", color=BLUE, fill=False)
    layer = adjustment_ops.add_shape(doc, "ellipse", (30, 20, 120, 90), RED, stroke=stroke)
    mask_ops.add_mask(doc, layer, "reveal_all")
    layer.mask.pixels[:, : w // 2] = 0  # the layer mask hides the stroke's left half
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    focus = layer if dragged == "shape" else under
    renderer.set_focus(focus)
    for dx, dy in ((4, 2), (6, -2)):
        doc.translate(focus, dx, dy, merge_key="drag")
        renderer.update()
    level, buffer = renderer.preview
    assert level == 1
    fresh = Renderer(doc)
    fresh.update()
    exact = fresh.composite.array.astype(np.float64)
    reduced = exact.reshape(h // 2, 2, w // 2, 2, 4).mean(axis=(1, 3))
    band = layer.stroke_coverage().coverage(doc.canvas)
    band = (band * (layer.mask.coverage(doc.canvas) > 0)).reshape(
        h // 2, 2, w // 2, 2).min(axis=(1, 3)) > 250
    assert band.sum() > 100
    error = np.abs(buffer.array.astype(np.float64) - reduced)
    assert error[band].mean() < 3, error[band].mean()
    renderer.settle()
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


def test_a_drop_shadow_follows_the_stroke_of_a_hollow_shape():
    """Layer effects are made from what the shape layer draws: with its fill off, a drop
    shadow lies under its stroke's band, moved by its offset, and not under its hollow
    middle (where the stroke does not reach)."""
    from editor.model.layer_effects import DropShadow, LayerEffects

    doc, layer = stroked(4.0, "outside", fill=False)
    shadow = DropShadow(color=(0, 0, 0), opacity=100.0, angle=90.0, distance=8.0, size=0.0)
    doc.set_effects(layer, LayerEffects(drop_shadows=(shadow,)))
    shown = composite_document(doc)
    x0, y0, x1, y1 = RECT
    # Straight down by 8 px: the top band's shadow lies across the hollow middle at
    # y0 + 4.. y0 + 8, black; below it the middle is empty; the band is the stroke's.
    assert (shown[y0 + 5:y0 + 8, x0 + 2:x1 - 2, 3] == 255).all()
    assert (shown[y0 + 5:y0 + 8, x0 + 2:x1 - 2, :3] == 0).all()
    assert (shown[y0 + 10:y1 - 2, x0 + 2:x1 - 2, 3] == 0).all()
    assert (shown[y0 - 3, x0 + 2:x1 - 2, :3] == BLUE).all()


def _dashed_row(alignment: str, width: float, dashes: tuple, cap: str = "butt",
                offset: float = 0.0) -> np.ndarray:
    """The alpha of the row of pixels inside the stroke along the top side of an unfilled,
    dashed rectangle (corners on pixel edges), the corners' reach left out."""
    w, h, (x0, y0, x1, y1) = 100, 40, (10, 12, 90, 30)
    doc = Document(w, h)
    stroke = ShapeStroke(width=width, alignment=alignment, color=BLUE, fill=False,
                         dashes=dashes, cap=cap, dash_offset=offset)
    adjustment_ops.add_shape(doc, "rectangle", (x0, y0, x1, y1), RED, stroke=stroke)
    row = {"inside": y0, "center": y0 - 1, "outside": y0 - 1}[alignment]
    return composite_document(doc)[row, x0 + 2 * int(width):x1 - 2 * int(width), 3].astype(int)


@pytest.mark.parametrize("alignment", ["inside", "center", "outside"])
def test_a_dashed_side_alternates_with_photoshops_period_in_stroke_widths(alignment):
    """Dashes 4, 2 (stroke widths) on a 2 px stroke: along a side, 8 px drawn then 4 px
    not, over and over, whatever the alignment (inside and outside stroke twice as wide
    and cut the half away: the dashes must still be in the stroke's own widths). The
    corners are on whole pixels, so every dash ends on a pixel edge: exactly 255 or 0."""
    row = _dashed_row(alignment, 2.0, (4.0, 2.0))
    assert set(np.unique(row)) == {0, 255}, np.unique(row)
    np.testing.assert_array_equal(row[12:], row[:-12])  # the period: 6 widths
    for start in range(len(row) - 12):
        assert (row[start:start + 12] == 255).sum() == 8  # a dash of 4 widths in each
    # The offset (in widths) shifts the pattern along the path by its length.
    shifted = _dashed_row(alignment, 2.0, (4.0, 2.0), offset=1.0)
    assert not np.array_equal(shifted, row)
    assert np.array_equal(shifted[:-2], row[2:]) or np.array_equal(shifted[2:], row[:-2])


def test_photoshops_dotted_line_is_round_dots_a_stroke_wide():
    """Dashes 0, 2 with round caps (the dotted preset): a dot as wide as the stroke every
    two widths: along the path, 4 px dots 8 px apart with nothing between them."""
    row = _dashed_row("center", 4.0, (0.0, 2.0), cap="round")
    assert np.abs(row[8:] - row[:-8]).max() <= 8  # a dot is a hair long: a slow drift
    assert (row == 0).sum() > len(row) // 4 and (row > 120).sum() > len(row) // 4
    period = row[:8]
    assert (period == 0).sum() >= 2 and (period > 250).sum() >= 2
    # Without round caps the dashes of no length draw (next to) nothing.
    assert _dashed_row("center", 4.0, (0.0, 2.0)).max() <= 5  # a hair: next to nothing
