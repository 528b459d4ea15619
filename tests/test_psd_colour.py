"""A PSD in another colour profile than sRGB (Adobe RGB): the colours held in its
descriptors (a Solid Color fill, a gradient's stops, a layer effect's colour, a Gradient
Map's stops) open as the sRGB the file's pixels become, Photoshop's own Adobe RGB file
(north_america_newspaper.psd, a gradient fill layer) composites as Photoshop drew it,
and what we save (no profile: sRGB) opens with the same colours again."""
from __future__ import annotations

import io
import os

import numpy as np

from editor.model import (AdjustmentLayer, Document, FillLayer, Layer, adjustments as adj,
                          layer_effects as fx)
from editor.model.files import open_document, save_document
from editor.model.images import flatten_on_white
from editor.model.render import composite_document

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")
ADOBE_FILE = os.path.join(FILES, "north_america_newspaper.psd")  # Adobe RGB (1998), 4 x 4


def adobe_profile() -> bytes:
    from psd_tools import PSDImage
    from psd_tools.constants import Resource

    return PSDImage.open(ADOBE_FILE).image_resources.get_data(Resource.ICC_PROFILE)


def to_srgb(rgb) -> tuple:
    """An Adobe RGB colour as sRGB, by Little CMS directly (not through our reader)."""
    from PIL import Image, ImageCms

    image = Image.new("RGB", (1, 1), tuple(rgb))
    source = ImageCms.ImageCmsProfile(io.BytesIO(adobe_profile()))
    out = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"))
    return out.getpixel((0, 0))


def tag_adobe_rgb(path) -> None:
    """Rewrites a PSD of ours as if Photoshop had saved it in Adobe RGB: the same numbers,
    with the Adobe RGB profile embedded."""
    from psd_tools.constants import Resource
    from psd_tools.psd import PSD
    from psd_tools.psd.image_resources import ImageResource

    with open(path, "rb") as f:
        psd = PSD.read(f)
    psd.image_resources[Resource.ICC_PROFILE] = ImageResource(
        key=Resource.ICC_PROFILE, data=adobe_profile())
    with open(path, "wb") as f:
        psd.write(f)


def has_profile(path) -> bool:
    from psd_tools import PSDImage
    from psd_tools.constants import Resource

    return PSDImage.open(path).image_resources.get_data(Resource.ICC_PROFILE) is not None


FILL = (30, 200, 60)       # a saturated green: Adobe RGB and sRGB differ most there
GLOW = (200, 40, 220)
STOPS = ((0.0, (250, 20, 20)), (100.0, (20, 20, 250)))


def adobe_document(tmp_path):
    """Our document saved and tagged Adobe RGB: a background, a Solid Color fill with a
    Color Overlay, a Gradient fill, a Gradient Map."""
    doc = Document(8, 6)
    background = Layer("Background", np.full((6, 8, 4), 255, np.uint8))
    fill = FillLayer("Fill", adj.SolidColor(FILL), opacity=255)
    fill.effects = fx.LayerEffects(color_overlays=(fx.ColorOverlay(True, GLOW, 50.0, "normal"),))
    gradient = FillLayer("Gradient", adj.GradientFill(stops=STOPS), visible=False)
    mapping = AdjustmentLayer("Map", adj.GradientMap(stops=STOPS), visible=False)
    for node in (background, fill, gradient, mapping):
        node.parent = doc.root
        doc.root.children.append(node)
    path = tmp_path / "adobe.psd"
    save_document(doc, path)
    tag_adobe_rgb(path)
    return path


def test_descriptor_colours_open_as_the_srgb_the_pixels_become(tmp_path):
    doc = open_document(adobe_document(tmp_path))
    fill, gradient, mapping = doc.root.children[1:4]
    assert fill.settings.color == to_srgb(FILL) != FILL
    assert fill.effects.color_overlays[0].color == to_srgb(GLOW)
    assert [c for _, c in gradient.settings.stops] == [to_srgb(c) for _, c in STOPS]
    assert [c for _, c in mapping.settings.stops] == [to_srgb(c) for _, c in STOPS]
    assert any("sRGB" in w for w in doc.warnings)  # the user is told
    # The composite: the fill's sRGB colour with the overlay's half over it.
    expected = (np.asarray(to_srgb(FILL)) + np.asarray(to_srgb(GLOW))) / 2
    assert np.abs(composite_document(doc)[3, 4, :3] - expected).max() <= 1


def test_what_we_save_is_srgb_and_opens_with_the_same_colours(tmp_path):
    doc = open_document(adobe_document(tmp_path))
    again = tmp_path / "again.psd"
    save_document(doc, again)
    assert not has_profile(again)  # sRGB, untagged: no second conversion on opening
    reopened = open_document(again)
    assert reopened.root.children[1].settings.color == to_srgb(FILL)
    assert reopened.root.children[1].effects.color_overlays[0].color == to_srgb(GLOW)
    for i in (2, 3):
        assert reopened.root.children[i].settings.stops == doc.root.children[i].settings.stops
    assert np.array_equal(composite_document(reopened), composite_document(doc))


def test_photoshops_adobe_rgb_gradient_fill_composites_as_photoshop_drew_it():
    from psd_tools import PSDImage

    theirs = np.asarray(PSDImage.open(ADOBE_FILE).topil(apply_icc=True).convert("RGBA"))
    ours = composite_document(open_document(ADOBE_FILE))
    diff = np.abs(flatten_on_white(ours).astype(int) - flatten_on_white(theirs).astype(int))
    # Its stops were Adobe RGB numbers drawn as sRGB: 9 levels off on average, 36 at most.
    # What is left: Photoshop blends the stops in Adobe RGB, we in sRGB.
    assert diff.mean() < 1.5 and diff.max() <= 8
