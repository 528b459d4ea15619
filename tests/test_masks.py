"""Layer masks and clipping masks in the model: compositing against a numpy reference,
the undoable operations, mask strokes, Merge Down / Flatten, autosave snapshots and
PSD round trips (through our own reader and psd-tools')."""
from __future__ import annotations

import os

import numpy as np
import pytest

from editor.model import Document, DocumentError, Group, Layer, LayerMask
from editor.model import mask_ops
from editor.model.files import open_document, save_document
from editor.model.images import flatten_on_white
from editor.model.render import Renderer, composite_document
from engine.box import Box

W, H = 40, 30


def photo_rgba(w: int, h: int, seed: int = 0) -> np.ndarray:
    """Real photograph content (skimage) with a soft alpha ramp."""
    import skimage.data

    rgb = skimage.data.astronaut()[seed * 20: seed * 20 + h * 4: 4, seed * 10: seed * 10 + w * 4: 4]
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb[:h, :w]
    out[..., 3] = np.linspace(120, 255, w).astype(np.uint8)[None, :]
    return out


def over(dst: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Straight float RGBA `src` over `dst` (normal mode), numpy reference."""
    sa, da = src[..., 3:4], dst[..., 3:4]
    oa = sa + da * (1 - sa)
    rgb = np.divide(src[..., :3] * sa + dst[..., :3] * da * (1 - sa), oa,
                    out=np.zeros_like(src[..., :3]), where=oa > 0)
    return np.concatenate([rgb, oa], -1)


def on_canvas(layer: Layer, coverage: np.ndarray | None = None) -> np.ndarray:
    out = layer.canvas_crop(Box(0, 0, W, H)).astype(np.float32) / 255
    if coverage is not None:
        out[..., 3] *= coverage
    out[..., 3] *= layer.opacity / 255
    return out


@pytest.fixture
def doc():
    d = Document(W, H)
    bg = Layer("bg", photo_rgba(W, H, 1))
    bg.pixels[..., 3] = 255
    d.add_layer(bg)
    d.add_layer(Layer("top", photo_rgba(24, 18, 2), 6, 4, opacity=230))
    return d


def straight(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) / 255


def assert_close(a: np.ndarray, b: np.ndarray, tol: float = 2.5 / 255) -> None:
    """Compared in premultiplied terms (what a pixel contributes)."""
    pa = np.concatenate([a[..., :3] * a[..., 3:4], a[..., 3:4]], -1)
    pb = np.concatenate([b[..., :3] * b[..., 3:4], b[..., 3:4]], -1)
    assert np.abs(pa - pb).max() <= tol, np.abs(pa - pb).max()


def test_mask_composites_like_the_reference_with_density_and_disable(doc):
    bg, top = doc.layers()
    mask_ops.add_mask(doc, top, "hide_all")
    values = np.zeros((H, W), np.uint8)
    values[:, 10:25] = 255
    values[:, 25:30] = 128
    top.mask.pixels[...] = values[top.mask.y:, top.mask.x:][:top.mask.height, :top.mask.width]
    coverage = values.astype(np.float32) / 255
    assert_close(straight(composite_document(doc)), over(on_canvas(bg), on_canvas(top, coverage)))
    mask_ops.set_mask_attr(doc, top, "density", 128)
    density = 1 - (1 - coverage) * 128 / 255
    assert_close(straight(composite_document(doc)), over(on_canvas(bg), on_canvas(top, density)))
    mask_ops.set_mask_enabled(doc, top, False)
    assert_close(straight(composite_document(doc)), over(on_canvas(bg), on_canvas(top)))
    doc.history.undo()
    doc.history.undo()
    assert top.mask.enabled and top.mask.density == 255
    # The screen renderer agrees with the precise path within its 8-bit rounding.
    renderer = Renderer(doc)
    renderer.update()
    screen = renderer.composite.array[..., [2, 1, 0, 3]].astype(np.float32) / 255
    precise = straight(composite_document(doc))
    premul = np.concatenate([precise[..., :3] * precise[..., 3:4], precise[..., 3:4]], -1)
    assert np.abs(screen - premul).max() <= 4 / 255


def test_feather_blurs_the_mask_only_when_composited(doc):
    top = list(doc.layers())[1]
    mask_ops.add_mask(doc, top, "reveal_all")
    top.mask.pixels[:, :top.mask.width // 2] = 0
    stored = top.mask.pixels.copy()
    mask_ops.set_mask_attr(doc, top, "feather", 2.0)
    edge = top.mask.coverage(Box(0, 10, W, 1))[0]
    assert 0 < edge[W // 2 - 1] < 255 and edge[8] == 0 and edge[-1] == 255
    np.testing.assert_array_equal(top.mask.pixels, stored)  # non-destructive


def test_add_mask_from_selection_undo_and_errors(doc):
    top = list(doc.layers())[1]
    with pytest.raises(DocumentError):
        mask_ops.add_mask(doc, top, "reveal_selection")  # nothing selected
    doc.set_selection(Box(10, 8, 12, 6))
    mask_ops.add_mask(doc, top, "reveal_selection")
    assert doc.mask_targeted
    full = top.mask.raw_crop(doc.canvas)
    assert (full[8:14, 10:22] == 255).all() and full.sum() == 255 * 12 * 6
    shown = composite_document(doc)
    top.visible = False
    hidden = composite_document(doc)
    top.visible = True
    np.testing.assert_array_equal(shown[:8], hidden[:8])   # outside the selection: bg only
    assert not np.array_equal(shown[8:14, 10:22], hidden[8:14, 10:22])
    with pytest.raises(DocumentError):
        mask_ops.add_mask(doc, top, "reveal_all")  # already has one
    doc.history.undo()
    assert top.mask is None and not doc.mask_targeted
    doc.history.redo()
    assert top.mask is not None


def test_mask_stroke_grows_paints_and_undoes_in_one_step(doc):
    top = list(doc.layers())[1]
    doc.add_layer(Layer("big", np.zeros((4, 4, 4), np.uint8), -30, -30))
    big = doc.active
    mask_ops.add_mask(doc, big, "reveal_all")
    box_before = big.mask.bounds()
    steps = doc.history.index
    edit = mask_ops.begin_mask_stroke(doc, big, "Brush", Box(-40, -40, 100, 100))
    assert big.mask.bounds() == Box(-40, -40, 100, 100)  # grown, filled with the default
    assert (big.mask.pixels == 255).all()
    coverage = np.ones((5, 5), np.float32)
    edit.apply(doc, Box(0, 0, 5, 5), lambda view: mask_ops.paint_mask_dab(view, coverage, 0, 1.0))
    mask_ops.end_mask_stroke(doc, edit)
    assert doc.history.index == steps + 1 and (big.mask.pixels[:5, :5] == 0).all()
    doc.history.undo()
    assert big.mask.bounds() == box_before and (big.mask.pixels == 255).all()
    doc.history.redo()
    assert (big.mask.pixels[:5, :5] == 0).all()
    # A stroke on `top`'s mask redraws the renderer exactly like a fresh one.
    mask_ops.add_mask(doc, top, "reveal_all")
    renderer = Renderer(doc)
    renderer.update()
    for i in range(3):
        edit = mask_ops.begin_mask_stroke(doc, top, "Brush", doc.canvas)
        edit.apply(doc, Box(i * 3, 2, 6, 6).translate(-top.mask.x, -top.mask.y),
                   lambda view: mask_ops.paint_mask_dab(view, np.full(view.shape, 0.7, np.float32), 0, 1.0))
        mask_ops.end_mask_stroke(doc, edit)
        renderer.update()
    renderer.settle()
    renderer.update()
    fresh = Renderer(doc)
    fresh.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


def test_apply_and_delete_mask(doc):
    top = list(doc.layers())[1]
    before = composite_document(doc)
    mask_ops.add_mask(doc, top, "reveal_all")
    top.mask.pixels[:, :20] = 0
    masked = composite_document(doc)
    mask_ops.apply_mask(doc, top)
    assert top.mask is None
    np.testing.assert_array_equal(composite_document(doc), masked)
    doc.history.undo()
    assert top.mask is not None
    mask_ops.delete_mask(doc, top)
    np.testing.assert_array_equal(composite_document(doc), before)
    doc.history.undo()
    np.testing.assert_array_equal(composite_document(doc), masked)


def test_linked_mask_moves_with_its_layer_unlinked_stays(doc):
    top = list(doc.layers())[1]
    mask_ops.add_mask(doc, top, "reveal_all")
    x0 = top.mask.x
    doc.translate(top, 3, 1)
    assert top.mask.x == x0 + 3
    mask_ops.set_mask_attr(doc, top, "linked", False)
    doc.translate(top, 2, 0)
    assert top.mask.x == x0 + 3
    doc.history.undo()
    doc.history.undo()
    doc.history.undo()
    assert top.mask.x == x0 and top.mask.linked


def test_clipping_mask_shows_only_where_the_base_has_alpha(doc):
    bg, top = doc.layers()
    clip = Layer("clip", photo_rgba(W, H, 0))
    clip.pixels[..., 3] = 255
    doc.add_layer(clip)
    mask_ops.toggle_clipping(doc, clip)
    assert clip.clipping and mask_ops.clipping_base(clip) is top
    # Reference: the clipped colours over the base's colours, with the base's alpha.
    t, c = on_canvas(top), on_canvas(clip)
    group = over(t, c)
    group[..., 3] = t[..., 3]
    assert_close(straight(composite_document(doc)), over(on_canvas(bg), group))
    shown = composite_document(doc)
    outside = np.ones((H, W), bool)
    outside[top.bounds().slices()] = False
    np.testing.assert_array_equal(shown[outside], bg.pixels[outside])
    # Merge Down of the clipped layer bakes what was shown (to 8-bit rounding: the
    # merged layer is stored straight, then composited again).
    doc.merge_down(clip)
    assert np.abs(composite_document(doc).astype(int) - shown).max() <= 1
    doc.history.undo()
    doc.history.undo()
    assert not clip.clipping
    with pytest.raises(DocumentError):
        mask_ops.set_clipping(doc, bg, True)  # nothing below to clip to


def test_merge_down_and_flatten_honour_masks(doc):
    bg, top = doc.layers()
    mask_ops.add_mask(doc, top, "reveal_all")
    top.mask.pixels[:10] = 0
    shown = composite_document(doc)
    doc.merge_down(top)
    assert bg.mask is None
    np.testing.assert_array_equal(composite_document(doc), shown)
    doc.history.undo()
    mask_ops.add_mask(doc, bg, "reveal_all")
    bg.mask.pixels[:, :5] = 0
    shown = composite_document(doc)
    flat = doc.flatten()  # (a Background: white where the mask hid everything)
    np.testing.assert_array_equal(flat.pixels[..., :3], flatten_on_white(shown))
    assert (flat.pixels[..., 3] == 255).all()


def test_group_mask_and_copy(doc):
    bg, top = doc.layers()
    group = doc.group([top])
    mask_ops.add_mask(doc, group, "hide_all")
    shown = composite_document(doc)
    np.testing.assert_array_equal(shown, bg.pixels)  # the group is hidden by its mask
    copy = group.copy()
    assert copy.mask is not group.mask and np.array_equal(copy.mask.pixels, group.mask.pixels)
    shared = group.copy(share=True)
    assert shared.mask.pixels is group.mask.pixels
    group.blend_mode = "normal"  # isolated groups are masked too
    np.testing.assert_array_equal(composite_document(doc), bg.pixels)


def build_masked(tmp_path=None) -> Document:
    d = Document(W, H)
    bg = Layer("bg", photo_rgba(W, H, 1))
    d.add_layer(bg)
    top = Layer("top", photo_rgba(20, 16, 2), -3, 5)
    top.mask = LayerMask(np.random.default_rng(1).integers(0, 256, (18, 30), dtype=np.uint8),
                         -5, 2, default=0, enabled=False, linked=False, density=180, feather=1.5)
    d.add_layer(top)
    clip = Layer("clip", photo_rgba(10, 10, 0), 2, 6)
    clip.clipping = True
    d.add_layer(clip)
    group = Group("g", [Layer("inner", photo_rgba(6, 6, 3), 20, 20)])
    group.mask = LayerMask(np.full((4, 5), 200, np.uint8), 21, 20, default=255)
    d.add_layer(group)
    return d


def describe(d: Document) -> list:
    out = []
    for n in d.nodes():
        m = n.mask
        out.append((n.name, n.clipping, None if m is None else (
            m.x, m.y, m.default, m.enabled, m.linked, m.density, round(m.feather, 6),
            m.pixels.tobytes())))
    return out


def test_psd_round_trip_keeps_masks_and_clipping(tmp_path):
    d = build_masked()
    path = tmp_path / "m.psd"
    save_document(d, path)
    back = open_document(path)
    assert back.warnings == []
    assert describe(back) == describe(d)
    np.testing.assert_array_equal(composite_document(back), composite_document(d))
    # psd-tools reads the same masks and flags.
    from psd_tools import PSDImage

    psd = PSDImage.open(path)
    layers = {l.name: l for l in psd.descendants()}
    top = layers["top"]
    assert top.mask is not None and top.mask.disabled and top.mask.background_color == 0
    assert (top.mask.left, top.mask.top, top.mask.width, top.mask.height) == (-5, 2, 30, 18)
    assert top.mask.parameters.user_mask_density == 180
    assert top.mask.parameters.user_mask_feather == pytest.approx(1.5)
    np.testing.assert_array_equal(np.asarray(top.mask.topil()), d.find_by_name("top").mask.pixels)
    assert layers["clip"].clipping and not layers["top"].clipping
    assert layers["g"].mask is not None and layers["g"].mask.background_color == 255
    # Described without decoding (what `info` does), the masks keep their boxes.
    from editor.model.psd import read_psd

    described = read_psd(str(path), 10**9, pixels=False)
    assert described.find_by_name("top").mask.pixels.shape == (18, 30)


def test_autosave_snapshot_and_recovery_keep_masks(tmp_path):
    from editor.ui.autosave import _save, snapshot

    d = build_masked()
    snap = snapshot(d)
    top, snap_top = d.find_by_name("top"), snap.find_by_name("top")
    assert snap_top.pixels is top.pixels and snap_top.mask.pixels is top.mask.pixels
    assert snap_top.mask is not top.mask  # attributes are the snapshot's own
    _save(snap, str(tmp_path / "recovered.psd"))
    back = open_document(tmp_path / "recovered.psd")
    assert describe(back) == describe(d)


def test_export_and_convert_honour_masks_and_clipping(tmp_path):
    import subprocess
    import sys

    from editor.model.files import export_image, read_image

    d = build_masked()
    d.find_by_name("top").mask.enabled = True
    expected = composite_document(d)
    export_image(d, str(tmp_path / "flat.png"))
    np.testing.assert_array_equal(read_image(str(tmp_path / "flat.png"))[..., 3], expected[..., 3])
    save_document(d, tmp_path / "m.psd")
    result = subprocess.run([sys.executable, "main.py", "convert", str(tmp_path / "m.psd"),
                             str(tmp_path / "c.png")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(read_image(str(tmp_path / "c.png")), expected)


def test_masked_pixels_cache_follows_strokes_undo_and_moves(doc):
    """The compositor keeps each masked layer's masked pixels and redoes only the boxes
    strokes change: after any mix of edits it equals a from-scratch numpy reference."""
    from editor.model.render import masked_pixels

    top = list(doc.layers())[1]
    mask_ops.add_mask(doc, top, "reveal_all")

    def reference() -> np.ndarray:
        out = top.pixels.copy()
        coverage = top.mask.coverage(top.bounds()).astype(np.uint32)
        out[..., 3] = (out[..., 3].astype(np.uint32) * coverage + 127) // 255
        return out

    np.testing.assert_array_equal(masked_pixels(top), reference())
    edit = mask_ops.begin_mask_stroke(doc, top, "Brush", doc.canvas)
    edit.apply(doc, Box(8, 6, 5, 4), lambda view: view.__setitem__(..., 40))
    mask_ops.end_mask_stroke(doc, edit)
    np.testing.assert_array_equal(masked_pixels(top), reference())
    pixel_edit = doc.begin_pixel_edit(top, "Brush", cover=top.bounds())
    pixel_edit.apply(doc, Box(2, 3, 6, 6), lambda view: view.__setitem__((..., 3), 77))
    doc.end_pixel_edit(pixel_edit)
    np.testing.assert_array_equal(masked_pixels(top), reference())
    doc.translate(top, 2, 1)  # a linked mask moves along: nothing to redo
    np.testing.assert_array_equal(masked_pixels(top), reference())
    mask_ops.set_mask_attr(doc, top, "feather", 1.5)
    edit = mask_ops.begin_mask_stroke(doc, top, "Brush", doc.canvas)
    edit.apply(doc, Box(14, 10, 3, 3), lambda view: view.__setitem__(..., 0))
    mask_ops.end_mask_stroke(doc, edit)
    np.testing.assert_array_equal(masked_pixels(top), reference())
    for _ in range(4):
        doc.history.undo()
        np.testing.assert_array_equal(masked_pixels(top), reference())


def test_rotating_and_flipping_the_canvas_turn_masks_too(doc):
    from editor.model import image_ops

    top = list(doc.layers())[1]
    mask_ops.add_mask(doc, top, "reveal_all")
    top.mask.pixels[:, :15] = 0
    top.changed()
    shown = composite_document(doc)
    image_ops.rotate_canvas(doc, 1)
    np.testing.assert_array_equal(composite_document(doc), np.rot90(shown, -1))
    image_ops.flip_canvas(doc, True)
    np.testing.assert_array_equal(composite_document(doc), np.rot90(shown, -1)[:, ::-1])
    doc.history.undo()
    doc.history.undo()
    np.testing.assert_array_equal(composite_document(doc), shown)


def test_moving_a_group_moves_its_linked_mask(doc):
    bg, top = doc.layers()
    group = doc.group([top])
    mask_ops.add_mask(doc, group, "reveal_all")
    group.mask.pixels[:, :20] = 0
    group.changed()
    shown = composite_document(doc)
    doc.translate(group, 4, 0)
    moved = composite_document(doc)
    top.visible = False
    under = composite_document(doc)
    top.visible = True
    np.testing.assert_array_equal(moved[:, :24], under[:, :24])  # still hidden left of 24
    assert group.mask.x == 4
    doc.history.undo()
    assert group.mask.x == 0
    np.testing.assert_array_equal(composite_document(doc), shown)


CORPUS = os.path.join(os.path.dirname(__file__), "psd_tools_files")


@pytest.mark.parametrize("name", ["mask.psd", "clipping-mask3.psd"])
def test_photoshop_files_keep_masks_and_clipping_and_composite_like_psd_tools(tmp_path, name):
    """Photoshop-made files (psd-tools' corpus): masks and clipping are kept, not baked;
    our composite matches psd-tools' own; saved and reopened, nothing changes."""
    from psd_tools import PSDImage

    path = os.path.join(CORPUS, name)
    doc = open_document(path)
    nodes = {n.name: n for n in doc.nodes()}
    if name == "mask.psd":
        mask = nodes["Background copy"].mask
        assert mask is not None and mask.enabled and (mask.width, mask.height) == (71, 57)
        assert nodes["Background copy"].pixels[..., 3].min() == 255  # not baked
    else:
        # Photoshop's shape layers: live Solid Color fill layers with their paths.
        from editor.model import FillLayer

        rect = nodes["Rectangle 2"]
        assert rect.clipping and isinstance(rect, FillLayer) and rect.vector_mask is not None
        assert rect.settings.color == (0, 255, 0)
    theirs = np.asarray(PSDImage.open(path).composite().convert("RGBA")).astype(np.float32) / 255
    ours = composite_document(doc).astype(np.float32) / 255
    assert_close(ours, theirs, 1.5 / 255)
    save_document(doc, tmp_path / "again.psd")
    again = open_document(tmp_path / "again.psd")
    assert describe(again) == describe(doc)
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))


def test_photoshop_adjustment_layer_with_mask_is_kept(tmp_path):
    from psd_tools import PSDImage

    from editor.model import AdjustmentLayer
    from editor.model.adjustments import BrightnessContrast

    doc = open_document(os.path.join(CORPUS, "adjustment-mask.psd"))
    adjustment = doc.find_by_name("Brightness/Contrast 1")
    # One of the kinds we draw: a live adjustment layer (settings 0, 0), its mask kept.
    assert isinstance(adjustment, AdjustmentLayer) and adjustment.mask is not None
    assert adjustment.settings == BrightnessContrast(0, 0)
    save_document(doc, tmp_path / "again.psd")
    layer = next(l for l in PSDImage.open(tmp_path / "again.psd").descendants()
                 if l.name == "Brightness/Contrast 1")
    original = next(l for l in PSDImage.open(os.path.join(CORPUS, "adjustment-mask.psd"))
                    .descendants() if l.name == "Brightness/Contrast 1")
    assert layer.kind == original.kind == "brightnesscontrast"
    assert layer.mask is not None and np.array_equal(np.asarray(layer.mask.topil()),
                                                     np.asarray(original.mask.topil()))


def test_image_size_scales_masks_with_their_layers(doc):
    from editor.model import image_ops

    top = list(doc.layers())[1]
    mask_ops.add_mask(doc, top, "reveal_all")
    top.mask.pixels[:, :20] = 0
    top.changed()
    image_ops.image_size(doc, W * 2, H * 2)
    assert top.mask.bounds() == Box(0, 0, W * 2, H * 2)
    assert (top.mask.pixels[:, :38] == 0).all() and (top.mask.pixels[:, 42:] == 255).all()
    doc.history.undo()
    assert top.mask.bounds() == Box(0, 0, W, H)


def _masked_top(doc, linked: bool = True) -> Layer:
    """The top layer (24×18 at 6, 4) with a photo-valued mask on a box inside it, offset
    from the layer (so that the mask's own offset is exercised)."""
    from editor.model import commands as cmds

    top = list(doc.layers())[1]
    coverage = photo_rgba(14, 10, 3)[..., 1].copy()
    doc.history.push(cmds.SetMask(top, LayerMask(coverage, 9, 7, default=0, linked=linked)))
    return top


def _as_image_transformed(top: Layer, op) -> tuple[np.ndarray, int, int]:
    """The same op applied to the mask as an image: in a document of its own, the layer
    and the mask as a layer's alpha (at the mask's offset) grouped and transformed as one
    picture, so both use the layer's bounds as frame."""
    other = Document(W, H)
    a = other.add_layer(Layer("a", top.pixels.copy(), top.x, top.y))
    image = np.zeros((top.mask.height, top.mask.width, 4), np.uint8)
    image[..., 3] = top.mask.pixels
    b = other.add_layer(Layer("b", image, top.mask.x, top.mask.y))
    group = other.group([a, b])
    op(other, group)
    return b.pixels[..., 3], b.x, b.y


@pytest.mark.parametrize("op", [
    lambda d, n: d.flip(n, True), lambda d, n: d.flip(n, False),
    lambda d, n: d.rotate_quarter(n, 1), lambda d, n: d.rotate_quarter(n, -1)],
    ids=["flip_h", "flip_v", "cw", "ccw"])
def test_flip_and_quarter_turn_of_a_layer_carry_its_linked_mask(doc, op):
    top = _masked_top(doc)
    before = (top.pixels.copy(), top.bounds(), top.mask.copy())
    expected, x, y = _as_image_transformed(top, op)
    steps = doc.history.count
    op(doc, top)
    assert doc.history.count == steps + 1  # one undo step for pixels and mask
    np.testing.assert_array_equal(top.mask.pixels, expected)
    assert (top.mask.x, top.mask.y) == (x, y) and top.mask.default == 0
    doc.history.undo()
    np.testing.assert_array_equal(top.pixels, before[0])
    assert top.bounds() == before[1]
    np.testing.assert_array_equal(top.mask.pixels, before[2].pixels)
    assert top.mask.bounds() == before[2].bounds()


def test_unlinked_mask_stays_put_when_its_layer_flips_or_turns(doc):
    top = _masked_top(doc, linked=False)
    mask = top.mask.copy()
    pixels = top.pixels.copy()
    doc.flip(top, True)
    doc.rotate_quarter(top, 1)
    assert not np.array_equal(top.pixels, pixels)
    np.testing.assert_array_equal(top.mask.pixels, mask.pixels)
    assert top.mask.bounds() == mask.bounds()


def test_flipping_a_group_flips_its_linked_mask_and_its_layers_masks(doc):
    bg, top = doc.layers()
    _masked_top(doc)
    group = doc.group([top])
    mask_ops.add_mask(doc, group, "reveal_all")
    group.mask.pixels[:, :20] = 0
    group.changed()
    layer_mask = top.mask.copy()
    doc.flip(group, True)
    f = Box(6, 4, 24, 18)  # the group's frame: its layer's bounds
    assert (top.mask.x, top.mask.y) == (f.x + f.x1 - layer_mask.bounds().x1, layer_mask.y)
    np.testing.assert_array_equal(top.mask.pixels, layer_mask.pixels[:, ::-1])
    assert group.mask.x == f.x + f.x1 - W
    assert (group.mask.pixels[:, -20:] == 0).all() and (group.mask.pixels[:, :-20] == 255).all()
    doc.history.undo()
    assert group.mask.x == 0 and top.mask.bounds() == layer_mask.bounds()
