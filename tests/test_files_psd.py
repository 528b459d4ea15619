"""PSD/PSB files: our own round trip exactly, and PSDs made by other programs."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import BLEND_MODES, Document, Group, Layer
from editor.model.files import open_document, read_image, save_document
from editor.model.render import composite_document, composite_nodes

import psd_samples


def rgba(rng, h, w, translucent=True):
    pixels = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    if not translucent:
        pixels[..., 3] = 255
    return pixels


def build(doc: Document, nodes) -> Document:
    for node in nodes:
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def layered_document() -> Document:
    """Every property the PSD must keep, in one small document."""
    rng = np.random.default_rng(7)
    doc = Document(64, 48)
    layers = [Layer("Background", rgba(rng, 48, 64, translucent=False))]
    opacities = [0, 1, 77, 128, 254, 255]
    for i, mode in enumerate(BLEND_MODES):
        layers.append(Layer(f"mode {mode}", rgba(rng, 9 + i, 13 + i), x=i * 5 - 3, y=i * 3 - 4,
                            opacity=opacities[i % len(opacities)], blend_mode=mode))
    layers += [
        Layer("猫の層", rgba(rng, 20, 30), x=-10, y=-6,
              recipe={"method": "bfs", "model": "tiny", "prompt": "猫 on a mat", "seed": 42,
                      "box": [4, 5, 30, 20], "steps": 8, "extra": {"nested": [1, 2.5, None]}}),
        Layer("outside", rgba(rng, 5, 6), x=200, y=-100),
        Layer("hidden", rgba(rng, 4, 4), x=3, y=3, visible=False),
        Layer("locked", rgba(rng, 4, 4), x=5, y=5, locked=True, source_kind="type"),
        Layer("empty"),
    ]
    inner = Group("Inner ünïcödé", [Layer("deep", rgba(rng, 6, 7), x=40, y=30,
                                           blend_mode="screen", opacity=200,
                                           recipe={"method": "decompose", "seed": 1})],
                  blend_mode="multiply", opacity=180, expanded=False)
    outer = Group("Outer", [Layer("in outer", rgba(rng, 8, 8), x=1, y=2), inner, Group("Empty group")],
                  opacity=128)
    isolated = Group("Isolated", [Layer("iso", rgba(rng, 10, 10), x=20, y=20)],
                     blend_mode="normal", visible=False, locked=True)
    return build(doc, layers + [outer, isolated])


def node_summary(doc: Document):
    out = []
    for node in doc.nodes():
        item = (node.kind, node.name, node.group_path(), node.visible, node.opacity,
                node.blend_mode, node.locked)
        if isinstance(node, Layer):
            item += (node.x, node.y, node.width, node.height, node.recipe, node.source_kind)
        else:
            item += (node.expanded,)
        out.append(item)
    return out


def assert_same_document(a: Document, b: Document) -> None:
    assert a.size == b.size
    assert node_summary(a) == node_summary(b)
    for la, lb in zip(a.layers(), b.layers()):
        np.testing.assert_array_equal(la.pixels, lb.pixels, err_msg=la.name)


@pytest.mark.parametrize("suffix", [".psd", ".psb"])
def test_round_trip_keeps_everything(tmp_path, suffix):
    doc = layered_document()
    doc.new_layer("Made after")  # a change, so that save has something to mark clean
    assert doc.modified
    path = tmp_path / f"doc{suffix}"
    save_document(doc, path)
    assert not doc.modified and doc.path == str(path)

    back = open_document(path)
    assert back.warnings == []
    assert back.path == str(path) and not back.modified and back.history.count == 0
    assert_same_document(doc, back)
    assert back.active is list(back.layers())[-1]
    with open(path, "rb") as f:
        assert f.read(6) == b"8BPS\x00" + (b"\x02" if suffix == ".psb" else b"\x01")

    # A second save of the reopened document keeps everything too.
    save_document(back, tmp_path / f"again{suffix}")
    assert_same_document(doc, open_document(tmp_path / f"again{suffix}"))


def test_psd_tools_reads_our_file_as_written(tmp_path):
    """An independent reader sees the same names, properties and pixels."""
    from psd_tools import PSDImage

    doc = layered_document()
    save_document(doc, tmp_path / "doc.psd")
    psd = PSDImage.open(tmp_path / "doc.psd")
    theirs = list(psd.descendants())
    ours = list(doc.nodes())
    assert [t.name for t in theirs] == [n.name for n in ours]
    for t, n in zip(theirs, ours):
        assert t.opacity == n.opacity and t.visible == n.visible
        assert t.blend_mode.name.lower() == n.blend_mode
        assert (t.locks is not None and t.locks.complete) == n.locked
        if isinstance(n, Layer) and not n.is_empty():
            assert (t.left, t.top, t.width, t.height) == (n.x, n.y, n.width, n.height)
            np.testing.assert_array_equal(np.asarray(t.topil()), n.pixels)
    ids = [t.layer_id for t in theirs]
    assert len(set(ids)) == len(ids) and min(ids) > 0
    # The merged image (what other viewers show) is our composite, transparency included;
    # Photoshop's convention stores it matted on white, so compare premultiplied colours.
    merged = np.asarray(psd.topil(), np.float64) / 255
    ours_flat = composite_document(doc).astype(np.float64) / 255
    np.testing.assert_allclose(merged[..., 3], ours_flat[..., 3], atol=1e-9)
    np.testing.assert_allclose(merged[..., :3] * merged[..., 3:], ours_flat[..., :3] * ours_flat[..., 3:],
                               atol=1.01 / 255)


def test_long_names_and_duplicate_names_keep_their_recipes(tmp_path):
    rng = np.random.default_rng(1)
    long_name = "a very long layer name " * 20
    doc = build(Document(8, 8), [
        Layer("same", rgba(rng, 2, 2), recipe={"seed": 1}),
        Layer("same", rgba(rng, 2, 2), recipe={"seed": 2}),
        Layer(long_name, rgba(rng, 2, 2), recipe={"seed": 3}),
    ])
    save_document(doc, tmp_path / "n.psd")
    back = open_document(tmp_path / "n.psd")
    assert [(l.name, l.recipe) for l in back.layers()] == [
        ("same", {"seed": 1}), ("same", {"seed": 2}), (long_name, {"seed": 3})]


def test_recipes_survive_another_program_renumbering_layers(tmp_path):
    """A program that keeps our XMP but gives layers new ids: unique names still match."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    rng = np.random.default_rng(2)
    doc = build(Document(8, 8), [Layer("a", rgba(rng, 2, 2), recipe={"seed": 5}),
                                 Layer("b", rgba(rng, 2, 2))])
    save_document(doc, tmp_path / "r.psd")
    psd = PSDImage.open(tmp_path / "r.psd")
    for i, layer in enumerate(psd):
        layer.tagged_blocks.set_data(Tag.LAYER_ID, 900 + i)
    psd.save(tmp_path / "renumbered.psd")
    back = open_document(tmp_path / "renumbered.psd")
    assert [(l.name, l.recipe) for l in back.layers()] == [("a", {"seed": 5}), ("b", None)]


def test_other_programs_layer_kinds_become_pixel_layers_with_warnings(tmp_path):
    """Type and smart object layers whose data cannot be read become pixel layers with
    warnings; Solid Color fill and shape layers become our live fill layers; a Color Lookup
    layer with no LUT in it is a live Color Lookup that changes nothing."""
    from editor.model import AdjustmentLayer, FillLayer

    path = tmp_path / "foreign.psd"
    psd_samples.foreign_kinds_psd(path)
    doc = open_document(path)
    by_name = {layer.name: layer for layer in doc.layers()}
    lookup = by_name["Lookup"]
    assert isinstance(lookup, AdjustmentLayer) and lookup.settings.data == b""
    assert by_name["Title"].source_kind == "type"
    assert by_name["Placed"].source_kind == "smartobject"
    np.testing.assert_array_equal(by_name["Title"].pixels, psd_samples.swatch(10, 20))
    assert by_name["Title"].bounds().as_tuple() == (5, 5, 20, 10)
    np.testing.assert_array_equal(by_name["Placed"].pixels, psd_samples.swatch(10, 20, (0, 0, 250)))
    fill = by_name["Red Fill"]
    assert isinstance(fill, FillLayer) and fill.settings.color == (255, 0, 0)
    shape = by_name["Rect"]  # a fill layer with its path
    assert isinstance(shape, FillLayer) and shape.settings.color == (0, 0, 255)
    np.testing.assert_allclose(shape.vector_mask.moved_knots()[0][:, 1],
                               [(8, 8), (40, 8), (40, 24), (8, 24)], atol=1e-5)
    # Clipping and masks are kept, not baked: the pixels are the file's, the composite
    # shows the clipped layer over the opaque half of its base only, the masked layer's
    # top half only.
    clipped = by_name["Clipped"]
    assert clipped.clipping and (clipped.pixels[..., 3] == 255).all()
    masked = by_name["Masked"]
    assert masked.mask is not None and (masked.pixels[..., 3] == 255).all()
    assert (masked.mask.pixels[:4] == 255).all() and (masked.mask.pixels[4:] == 0).all()
    shown = composite_document(doc)
    clipped.visible = masked.visible = False
    without = composite_document(doc)
    assert (shown[30:40, 2:7, :3] == (255, 255, 0)).all()
    np.testing.assert_array_equal(shown[30:40, 7:12], without[30:40, 7:12])
    assert (shown[2:6, 50:58, :3] == 9).all()
    np.testing.assert_array_equal(shown[6:10, 50:58], without[6:10, 50:58])
    assert (shown[8:24, 8:30, :3] == (0, 0, 255)).all()  # the shape over the red fill
    assert (shown[44:48, 44:48, :3] == (255, 0, 0)).all()
    clipped.visible = masked.visible = True
    assert by_name["Burn"].blend_mode == "normal"
    # Photoshop's Fill is kept beside the opacity (no effects: they multiply when drawn).
    faded = by_name["Faded fill"]
    assert (faded.opacity, faded.fill_opacity) == (200, 128)
    faded_box = faded.bounds()
    seen = composite_nodes([faded], faded_box)
    assert (np.abs(seen[..., 3].astype(int) - 100) <= 1).all()  # 200 x 128/255
    text = "\n".join(doc.warnings)
    for expected in ("text layer 'Title'", "smart object layer 'Placed'", "'pass through'"):
        assert expected in text, expected
    assert all(w.startswith(str(path)) for w in doc.warnings)
    assert not doc.modified
    # And it saves as a plain layered PSD that reopens without warnings.
    save_document(doc, tmp_path / "ours.psd")
    again = open_document(tmp_path / "ours.psd")
    # Only the shape's path is noted again.
    assert [w for w in again.warnings if "vector mask of 'Rect'" not in w] == []
    assert [l.source_kind for l in again.layers()] == [l.source_kind for l in doc.layers()]
    assert [(l.opacity, l.fill_opacity) for l in again.layers() if l.name == "Faded fill"] \
        == [(200, 128)]
    # The adjustment saved back as one: psd-tools reads a colour lookup adjustment layer.
    from psd_tools import PSDImage

    kinds = {l.name: l.kind for l in PSDImage.open(tmp_path / "ours.psd").descendants()}
    assert kinds["Lookup"] == "colorlookup"


@pytest.mark.parametrize("mode,depth", [("RGBA", 16), ("RGBA", 32), ("RGB", 16), ("CMYK", 8),
                                        ("CMYK", 16), ("L", 8), ("LA", 8), ("L", 16), ("1", 1)])
def test_deep_and_non_rgb_documents_become_8bit_rgba(tmp_path, mode, depth):
    path = tmp_path / f"{mode}{depth}.psd"
    expected = psd_samples.deep_or_other_mode_psd(path, mode, depth)
    doc = open_document(path)
    (layer,) = doc.layers()
    assert layer.pixels.dtype == np.uint8 and layer.bounds().as_tuple() == (1, 2, 16, 12)
    tolerance = 0 if (depth == 8 and mode in ("RGBA", "L", "LA")) or mode == "1" else 1
    if mode == "CMYK":
        tolerance = 2  # CMYK -> RGB conversions round differently
    pixels = layer.pixels.copy()
    if layer.mask is not None:  # psd-tools keeps alpha as a user mask in modes without alpha
        coverage = layer.mask.coverage(layer.bounds()).astype(int)
        pixels[..., 3] = (pixels[..., 3].astype(int) * coverage + 127) // 255
    np.testing.assert_allclose(pixels.astype(int), expected.astype(int), atol=tolerance)
    if depth != 8 and mode != "1":
        assert any(f"{depth}-bit" in w for w in doc.warnings)
    if mode in ("L", "LA"):  # Grayscale documents keep their mode (Image > Mode)
        assert doc.color_mode == "grayscale"
        assert not any("to RGB" in w for w in doc.warnings)
        assert (pixels[..., 0] == pixels[..., 2]).all()
    elif mode not in ("RGB", "RGBA"):
        assert any("to RGB" in w for w in doc.warnings)
        assert doc.color_mode == "rgb"


def test_layerless_psd_opens_as_one_layer(tmp_path):
    pixels = psd_samples.swatch(6, 9, (1, 2, 3))
    psd_samples.layerless_psd(tmp_path / "flat.psd", pixels)
    doc = open_document(tmp_path / "flat.psd")
    (layer,) = doc.layers()
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_read_image_of_a_psd_is_its_composite(tmp_path):
    doc = layered_document()
    save_document(doc, tmp_path / "doc.psd")
    np.testing.assert_array_equal(read_image(tmp_path / "doc.psd"), composite_document(doc))
