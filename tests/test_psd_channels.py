"""Alpha channels in PSD files: written by us as extra planes of the merged image after
its transparency, with their names (1006, 1045), ids (1053) and display entries (1077),
the header's channel count agreeing; read back by our reader and by psd-tools on its
own; and read from Photoshop's files (tests/psd_tools_files: stroke-without-vector-mask.psd
holds the merged transparency and "Alpha 1"; 4x4_8bit_rgba.psd an "Alpha 1" and no merged
transparency), compared with what psd-tools' own `numpy()` gives for those planes. Before
this, our reader dropped them silently."""
from __future__ import annotations

import os

import numpy as np
from psd_tools import PSDImage
from psd_tools.constants import Resource

from editor.model import Document, channels
from editor.model.files import open_document, save_document
from editor.model.selection_ops import ellipse_mask, select_mask
from engine.box import Box

HERE = os.path.join(os.path.dirname(__file__), "psd_tools_files")
W, H = 60, 40


def with_channels() -> Document:
    doc = Document(W, H)
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[5:30, 10:50, 3] = 255
    doc.add_image(rgba, "Red box")
    doc.set_selection(Box(5, 5, 20, 10))
    channels.save_selection(doc)
    select_mask(doc, ellipse_mask(doc, Box(10, 5, 40, 30)))
    channels.save_selection(doc, name="Élan ✓ 鳥")
    doc.set_selection(None)
    return doc


def test_our_file_reopens_with_its_channels_in_our_reader_and_psd_tools(tmp_path):
    doc = with_channels()
    path = str(tmp_path / "channels.psd")
    save_document(doc, path)

    back = open_document(path)
    assert [c.name for c in back.channels] == ["Alpha 1", "Élan ✓ 鳥"]
    for read, written in zip(back.channels, doc.channels):
        np.testing.assert_array_equal(read.pixels, written.pixels)
    assert not back.warnings
    # The layers and the picture are as before.
    np.testing.assert_array_equal(next(back.layers()).pixels, next(doc.layers()).pixels)

    psd = PSDImage.open(path)
    assert psd.channels == 6  # R, G, B, transparency, two alpha channels
    resources = psd.image_resources
    assert list(resources.get_data(Resource.ALPHA_NAMES_UNICODE)) == \
        ["Transparency", "Alpha 1", "Élan ✓ 鳥"]
    assert len(resources.get_data(Resource.ALPHA_NAMES_PASCAL)) == 3
    ids = list(resources.get_data(Resource.ALPHA_IDENTIFIERS))
    assert ids[0] == 0 and len(set(ids)) == 3 and all(i > 0 for i in ids[1:])
    assert len(resources.get_data(Resource.DISPLAY_INFO).alpha_channels) == 3
    planes = psd.numpy()  # psd-tools' own reading of the merged image: all six planes
    assert planes.shape == (H, W, 6)
    for k, channel in enumerate(doc.channels):
        np.testing.assert_array_equal(np.round(planes[..., 4 + k] * 255).astype(np.uint8),
                                      channel.pixels)
    # The merged transparency is still the fourth plane.
    np.testing.assert_array_equal(np.round(planes[..., 3] * 255).astype(np.uint8),
                                  next(doc.layers()).pixels[..., 3])


def test_a_document_without_channels_is_written_as_before(tmp_path):
    doc = with_channels()
    for c in list(doc.channels):
        channels.delete_channel(doc, c.uid)
    path = str(tmp_path / "plain.psd")
    save_document(doc, path)
    psd = PSDImage.open(path)
    assert psd.channels == 4
    assert Resource.ALPHA_NAMES_UNICODE not in psd.image_resources
    assert open_document(path).channels == ()


def test_channels_from_photoshop_files():
    path = os.path.join(HERE, "stroke-without-vector-mask.psd")
    doc = open_document(path)
    assert [c.name for c in doc.channels] == ["Alpha 1"]
    reference = np.round(PSDImage.open(path).numpy()[..., 4] * 255).astype(np.uint8)
    assert 0 < reference.mean() < 255  # a real selection, not a blank plane
    np.testing.assert_array_equal(doc.channels[0].pixels, reference)
    # No merged transparency here (positive layer count, the id is not 0): its only extra
    # plane is the channel.
    path = os.path.join(HERE, "4x4_8bit_rgba.psd")
    doc = open_document(path)
    assert [c.name for c in doc.channels] == ["Alpha 1"]
    np.testing.assert_array_equal(
        doc.channels[0].pixels, np.round(PSDImage.open(path).numpy()[..., 3] * 255))


def test_photoshop_channels_survive_our_round_trip(tmp_path):
    doc = open_document(os.path.join(HERE, "stroke-without-vector-mask.psd"))
    path = str(tmp_path / "again.psd")
    save_document(doc, path)
    back = open_document(path)
    assert [c.name for c in back.channels] == ["Alpha 1"]
    np.testing.assert_array_equal(back.channels[0].pixels, doc.channels[0].pixels)
    # Loading it as the selection gives its values.
    channels.load_selection(back, back.channels[0].uid)
    from editor.model.selection_ops import current_mask
    np.testing.assert_array_equal(current_mask(back), doc.channels[0].pixels)


def test_a_file_gimp_saved_keeps_the_channels_and_their_names():
    """tests/gimp_files/channels-gimp.psd: our `with_channels()` document opened and saved
    again by GIMP 2.10, which writes the names as UTF-8 in 1006 and no 1045."""
    path = os.path.join(os.path.dirname(__file__), "gimp_files", "channels-gimp.psd")
    psd = PSDImage.open(path)
    assert Resource.ALPHA_NAMES_UNICODE not in psd.image_resources
    doc = open_document(path)
    ours = with_channels()
    assert [c.name for c in doc.channels] == ["Alpha 1", "Élan ✓ 鳥"]
    for read, made in zip(doc.channels, ours.channels):
        np.testing.assert_array_equal(read.pixels, made.pixels)


def test_a_psb_keeps_its_channels_too(tmp_path):
    doc = with_channels()
    path = str(tmp_path / "channels.psb")
    save_document(doc, path)
    psd = PSDImage.open(path)
    assert psd.version == 2 and psd.channels == 6
    back = open_document(path)
    assert [c.name for c in back.channels] == [c.name for c in doc.channels]
    for read, written in zip(back.channels, doc.channels):
        np.testing.assert_array_equal(read.pixels, written.pixels)
