"""Image > Image Size's Resample menu driven through the window: Photoshop's methods in its
order with Reduce Noise only for Preserve Details, Nearest Neighbor enlarging 2x replicates
each pixel exactly, Preserve Details brings a shrunk photo back closer to the original than
Bicubic does, Reduce Noise changes its result, Automatic enlarges by Preserve Details 2.0;
each is one undo step and Cancel leaves the document as it was."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import image_ops, image_resample
from editor.model.document import Document
from editor.model.layers import Layer

from ui_helpers import in_modal_dialog, make_window, open_file, write_png


def astronaut_crop() -> np.ndarray:
    """A 128 px crop of a real photo (the astronaut's face and badge: fine detail)."""
    import skimage.data

    return skimage.data.astronaut()[60:188, 150:278]


def opaque(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def opened(qtbot, tmp_path, monkeypatch, pixels: np.ndarray):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, write_png(tmp_path / "small.png", pixels))
    return w


def image_size(qtbot, w, width: int, height: int, method: str, noise: int = 0,
               cancel: bool = False) -> dict:
    """Image > Image Size… with the size typed and the Resample method picked by its label."""
    def drive(dialog, seen):
        seen["methods"] = [dialog.resample.itemText(i) for i in range(dialog.resample.count())]
        dialog.keep.setChecked(False)
        dialog.width_box.setValue(width)
        dialog.height_box.setValue(height)
        dialog.resample.setCurrentText(image_resample.NAMES[method])
        seen["noise_enabled"] = dialog.noise.isEnabled()
        if seen["noise_enabled"]:
            dialog.noise.setValue(noise)
        seen["cancel"] = cancel

    return in_modal_dialog(qtbot, w.actions["image_size"].trigger, drive, "ImageSizeDialog")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0 ** 2 / mse)


def test_nearest_neighbor_replicates_pixels_in_one_step_and_cancel_changes_nothing(
        qtbot, tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    pixels = opaque(rng.integers(0, 256, (12, 20, 3), dtype=np.uint8))
    w = opened(qtbot, tmp_path, monkeypatch, pixels)
    doc = w.doc
    layer = next(iter(doc.layers()))
    steps = doc.history.index
    seen = image_size(qtbot, w, 40, 24, "nearest", cancel=True)
    assert seen["methods"] == [label for _, label in image_resample.METHODS]
    assert seen["methods"][:3] == ["Automatic", "Preserve Details (enlargement)",
                                   "Preserve Details 2.0"]
    assert doc.size == (20, 12) and doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, pixels)

    seen = image_size(qtbot, w, 40, 24, "nearest")
    assert not seen["noise_enabled"]  # Reduce Noise is Preserve Details' only
    assert doc.size == (40, 24) and doc.history.index == steps + 1
    assert doc.history.undo_name() == "Image Size"
    np.testing.assert_array_equal(layer.pixels, pixels.repeat(2, axis=0).repeat(2, axis=1))
    w.actions["undo"].trigger()
    assert doc.size == (20, 12)
    np.testing.assert_array_equal(layer.pixels, pixels)
    assert w.settings.value("image/resample", "", str) == "nearest"  # remembered


def test_preserve_details_beats_bicubic_and_reduce_noise_changes_it(
        qtbot, tmp_path, monkeypatch):
    import cv2

    truth = astronaut_crop()
    small = cv2.resize(truth, (64, 64), interpolation=cv2.INTER_AREA)
    w = opened(qtbot, tmp_path, monkeypatch, opaque(small))
    doc = w.doc
    results = {}
    for method, noise in (("bicubic", 0), ("preserve_details", 0), ("preserve_details", 80),
                          ("preserve_details_2", 0), ("automatic", 0)):
        seen = image_size(qtbot, w, 128, 128, method, noise)
        assert seen["noise_enabled"] == (method in ("preserve_details", "preserve_details_2"))
        assert doc.size == (128, 128)
        results[method, noise] = next(iter(doc.layers())).pixels[..., :3].copy()
        w.actions["undo"].trigger()
        assert doc.size == (64, 64)
    bicubic = psnr(results["bicubic", 0], truth)
    details = psnr(results["preserve_details", 0], truth)
    details2 = psnr(results["preserve_details_2", 0], truth)
    # Back-projection gains about half a decibel over plain bicubic on this crop.
    assert details > bicubic + 0.25, (details, bicubic)
    assert details2 > bicubic + 0.25, (details2, bicubic)
    assert not np.array_equal(results["preserve_details", 0], results["preserve_details", 80])
    # Automatic enlarges as Preserve Details 2.0 does (Photoshop's choice).
    np.testing.assert_array_equal(results["automatic", 0], results["preserve_details_2", 0])


def test_masks_and_alpha_channels_follow_the_method():
    """A layer mask resamples by the layer's method: Nearest keeps a hard mask hard."""
    from editor.model.layers import LayerMask

    doc = Document(10, 10)
    layer = Layer("layer", np.full((10, 10, 4), 200, np.uint8))
    doc.add_layer(layer)
    hard = np.zeros((10, 10), np.uint8)
    hard[:, 5:] = 255
    layer.mask = LayerMask(hard.copy(), 0, 0, default=0)
    image_ops.image_size(doc, 30, 30, "nearest")
    np.testing.assert_array_equal(layer.mask.pixels, hard.repeat(3, 0).repeat(3, 1))
    image_ops.image_size(doc, 10, 10, "bicubic")
    image_ops.image_size(doc, 20, 20, "bicubic")
    assert ((layer.mask.pixels > 0) & (layer.mask.pixels < 255)).any()  # smooth, not hard


def test_a_bad_method_or_noise_is_one_readable_line():
    doc = Document(8, 8)
    doc.add_layer(Layer("layer", np.zeros((8, 8, 4), np.uint8)))
    with pytest.raises(ValueError, match="Unknown resample method 'lanczos'"):
        image_ops.image_size(doc, 16, 16, "lanczos")
    with pytest.raises(ValueError, match="Reduce Noise must be 0-100"):
        image_ops.image_size(doc, 16, 16, "preserve_details", 150)
    assert doc.size == (8, 8)


@pytest.mark.parametrize("method", ["preserve_details", "preserve_details_2", "bicubic"])
def test_soft_edges_of_a_transparent_layer_keep_their_colour(method):
    """An orange disc with soft edges on transparency, enlarged 2.5x with Reduce Noise: its
    edge pixels stay orange (no dark fringe from colour smoothed apart from its alpha)."""
    import cv2

    alpha = np.zeros((40, 40), np.uint8)
    cv2.circle(alpha, (20, 20), 12, 255, -1, lineType=cv2.LINE_AA)
    pixels = np.zeros((40, 40, 4), np.uint8)
    pixels[..., 0], pixels[..., 1], pixels[..., 3] = 255, 90, alpha
    doc = Document(40, 40)
    layer = Layer("disc", pixels)
    doc.add_layer(layer)
    image_ops.image_size(doc, 100, 100, method, 60)
    out = layer.pixels
    edge = (out[..., 3] > 10) & (out[..., 3] < 245)
    assert edge.sum() > 50
    assert (np.abs(out[edge][:, :3].astype(int) - (255, 90, 0)) <= 2).all()


def test_an_action_records_and_plays_the_resample_method(qtbot, tmp_path, monkeypatch):
    """Image Size recorded with Nearest Neighbor: the step shows Photoshop's label, and
    playing it on another photo resamples that one by Nearest Neighbor too."""
    from test_ui_actions_panel import play, record, second_document

    rng = np.random.default_rng(5)
    w = opened(qtbot, tmp_path, monkeypatch,
               opaque(rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)))
    action = record(w, qtbot, "Size", steps=lambda: image_size(qtbot, w, 60, 40, "nearest"))
    assert action.steps[0].settings == {"width": 60, "height": 40, "method": "nearest",
                                        "noise": 0}
    assert "Resample: Nearest Neighbor (hard edges)" in action.steps[0].details()
    doc = second_document(w, qtbot, monkeypatch, tmp_path)
    before = next(iter(doc.layers())).pixels.copy()
    play(w, action)
    assert doc.size == (60, 40)
    after = next(iter(doc.layers())).pixels
    assert after.shape == (40, 60, 4) and doc.history.undo_name() == "Image Size"

    def codes(p):
        return (p[..., 0].astype(np.int64) << 16) | (p[..., 1].astype(np.int64) << 8) | p[..., 2]

    # Nearest Neighbor picks pixels, it mixes none: every colour is one of the photo's.
    assert np.isin(codes(after), codes(before)).all()
