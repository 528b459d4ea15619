"""Flat image files, exports, bad input, limits and the safety of saving."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from editor.model import Document, DocumentError, FileFormatError, ImageTooLarge, Layer, SaveError
from editor.model import files
from editor.model.files import export_image, open_document, read_image, save_document

import psd_samples


@pytest.fixture
def pixels():
    rng = np.random.default_rng(3)
    out = rng.integers(0, 256, (30, 40, 4), dtype=np.uint8)
    out[out[..., 3] == 0, 3] = 1  # lossless formats may drop colour under alpha 0
    return out


@pytest.mark.parametrize("suffix,options", [(".png", {}), (".webp", {"lossless": True, "exact": True}),
                                            (".tif", {}), (".bmp", {})])
def test_lossless_formats_open_as_one_exact_layer(tmp_path, pixels, suffix, options):
    path = tmp_path / f"photo{suffix}"
    if suffix == ".bmp":
        pixels[..., 3] = 255  # Pillow reads 32-bit BMPs without their alpha
    Image.fromarray(pixels).save(path, **options)
    doc = open_document(path)
    (layer,) = doc.layers()
    # With transparency a named layer; opaque (the BMP) Photoshop's Background.
    opaque = suffix == ".bmp"
    assert layer.name == ("Background" if opaque else "photo") and layer.is_background == opaque
    assert doc.size == (40, 30) and (layer.x, layer.y) == (0, 0)
    np.testing.assert_array_equal(layer.pixels, pixels)
    assert layer.pixels.flags.writeable and layer.pixels.flags.c_contiguous
    # Save asks for a PSD name: path stays unset, the source is remembered.
    assert doc.path is None and doc.source_path == str(path)
    assert not doc.modified and doc.active is layer and doc.warnings == []


def test_jpeg_grey_palette_and_16bit_images_become_rgba(tmp_path, pixels):
    Image.fromarray(pixels[..., :3]).save(tmp_path / "a.jpg", quality=100, subsampling=0)
    assert np.abs(read_image(tmp_path / "a.jpg")[..., :3].astype(int) - pixels[..., :3]).mean() < 3
    grey = (np.arange(40 * 30).reshape(30, 40) % 256).astype(np.uint8)
    Image.fromarray(grey, "L").save(tmp_path / "g.png")
    out = read_image(tmp_path / "g.png")
    assert (out[..., 0] == grey).all() and (out[..., 2] == grey).all() and (out[..., 3] == 255).all()
    Image.fromarray(pixels[..., :3]).convert("P").save(tmp_path / "p.png")
    assert read_image(tmp_path / "p.png").shape == (30, 40, 4)
    deep = (grey.astype(np.uint16) * 257)
    Image.fromarray(deep).save(tmp_path / "d.png")
    assert np.array_equal(read_image(tmp_path / "d.png")[..., 0], grey)


def test_exif_orientation_is_applied(tmp_path):
    image = Image.new("RGB", (4, 2), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    image.save(tmp_path / "o.jpg", exif=exif)
    assert read_image(tmp_path / "o.jpg").shape == (4, 2, 4)


@pytest.mark.parametrize("suffix", [".png", ".webp", ".tif", ".jpg", ".bmp"])
def test_export_writes_the_flattened_picture(tmp_path, suffix):
    doc = Document(20, 10)
    doc.add_image(np.full((10, 20, 4), (0, 0, 255, 255), np.uint8), "blue", 0, 0)
    half = np.zeros((10, 10, 4), np.uint8)
    half[...] = (255, 0, 0, 128)
    doc.add_image(half, "red", 5, 0)
    before = doc.history.count
    export_image(doc, tmp_path / f"out{suffix}", quality=100)
    assert doc.history.count == before and doc.path is None  # export is not save
    back = read_image(tmp_path / f"out{suffix}").astype(int)
    expected = np.array([128, 0, 127], int)  # red 50% over blue
    tolerance = 4 if suffix in (".jpg",) else 1
    assert np.abs(back[5, 10, :3] - expected).max() <= tolerance
    assert np.abs(back[5, 2, :3] - [0, 0, 255]).max() <= tolerance


def test_export_of_transparency_png_keeps_alpha_and_jpeg_goes_on_white(tmp_path):
    doc = Document(4, 4)
    doc.add_image(np.full((2, 2, 4), (0, 0, 0, 255), np.uint8), "dot", 0, 0)
    export_image(doc, tmp_path / "t.png")
    export_image(doc, tmp_path / "t.jpg")
    png = read_image(tmp_path / "t.png")
    assert png[3, 3, 3] == 0 and png[0, 0, 3] == 255
    jpg = read_image(tmp_path / "t.jpg")
    assert (jpg[3, 3, :3] > 240).all()


# -- bad input --------------------------------------------------------------------------

def error_of(call, *args, **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".")
    return info.value


def write(path, data: bytes):
    with open(path, "wb") as f:
        f.write(data)
    return path


@pytest.mark.parametrize("reader", [open_document, read_image])
def test_bad_files_give_one_clear_error_naming_the_file(tmp_path, pixels, reader):
    Image.fromarray(pixels).save(tmp_path / "good.png")
    good_png = (tmp_path / "good.png").read_bytes()
    Image.fromarray(pixels[..., :3]).save(tmp_path / "good.jpg")
    good_jpg = (tmp_path / "good.jpg").read_bytes()
    doc = Document(40, 30)
    doc.add_image(pixels, "x", 0, 0)
    save_document(doc, tmp_path / "good.psd")
    good_psd = (tmp_path / "good.psd").read_bytes()
    cases = {
        "missing.png": (None, "no such file"),
        "empty.psd": (b"", "empty"),
        "text.png": (b"hello, I am not a picture\n" * 10, "not an image"),
        "text.psd": (b"just some words", "not an image"),
        "truncated.png": (good_png[: len(good_png) // 2], "truncated"),
        "truncated.jpg": (good_jpg[: len(good_jpg) // 2], "truncated"),
        "header-only.psd": (good_psd[:20], "truncated"),
        "truncated.psd": (good_psd[: len(good_psd) // 3], "damaged or truncated"),
        "zero.png": (psd_samples.png_bytes(0, 0), "empty"),
        "zero.psd": (psd_samples.psd_header(0, 10) + b"\0" * 100, "empty"),
        "bad-header.psd": (psd_samples.psd_header(10, 10, depth=7) + b"\0" * 100, "damaged"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        if data is not None:
            write(path, data)
        error = error_of(reader, path)
        assert isinstance(error, FileFormatError), name
        assert str(path) in str(error) and reason in str(error), (name, str(error))
    assert "is a folder" in str(error_of(reader, tmp_path))


@pytest.mark.parametrize("reader", [open_document, read_image])
def test_decompression_bombs_are_refused_before_decoding(tmp_path, reader):
    """Headers claiming 30000x30000 (900 MP) with almost no data: refused from the header,
    so quickly and without allocating gigabytes."""
    import tracemalloc

    bomb_png = write(tmp_path / "bomb.png", psd_samples.png_bytes(30000, 30000, b"\0" * 1000))
    bomb_psd = write(tmp_path / "bomb.psd", psd_samples.psd_header(30000, 30000) + b"\0" * 1000)
    tracemalloc.start()
    for path in (bomb_png, bomb_psd):
        error = error_of(reader, path)
        assert isinstance(error, ImageTooLarge) and str(path) in str(error)
        assert "900 million" in str(error) and "200 million" in str(error)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000


def test_pixel_limit_is_configurable(tmp_path, pixels, monkeypatch):
    Image.fromarray(pixels).save(tmp_path / "p.png")  # 1200 pixels
    doc = Document(40, 30)
    doc.add_image(pixels, "big layer", -500, 0)
    doc.add_image(pixels[:2, :2].copy(), "small", 0, 0)
    save_document(doc, tmp_path / "p.psd")
    assert isinstance(error_of(open_document, tmp_path / "p.png", max_pixels=1000), ImageTooLarge)
    assert isinstance(error_of(open_document, tmp_path / "p.psd", max_pixels=1000), ImageTooLarge)
    assert open_document(tmp_path / "p.png", max_pixels=1200).size == (40, 30)
    monkeypatch.setenv(files.MAX_PIXELS_ENV, "1000")
    assert files.pixel_limit() == 1000
    assert isinstance(error_of(read_image, tmp_path / "p.png"), ImageTooLarge)
    files.set_max_pixels(5000)
    try:
        assert read_image(tmp_path / "p.png").shape == (30, 40, 4)
        files.set_max_pixels(1199)
        assert isinstance(error_of(open_document, tmp_path / "p.psd"), ImageTooLarge)
        assert open_document(tmp_path / "p.psd", max_pixels=1200).size == (40, 30)  # per call wins
    finally:
        files.set_max_pixels(None)
    monkeypatch.delenv(files.MAX_PIXELS_ENV)
    assert files.pixel_limit() == files.DEFAULT_MAX_PIXELS == 200_000_000


def test_a_layer_over_the_limit_is_refused_even_on_a_small_canvas(tmp_path, pixels):
    doc = Document(10, 10)
    doc.add_image(np.zeros((60, 60, 4), np.uint8), "huge", -20, -20)
    save_document(doc, tmp_path / "h.psd")
    error = error_of(open_document, tmp_path / "h.psd", max_pixels=1000)
    assert isinstance(error, ImageTooLarge) and "layer 'huge'" in str(error)


def test_failed_import_leaves_the_document_untouched(tmp_path, pixels):
    doc = Document(40, 30)
    doc.add_image(pixels, "x", 0, 0)
    doc.history.mark_clean()
    write(tmp_path / "bad.png", b"nope")
    with pytest.raises(FileFormatError):
        doc.add_image(read_image(tmp_path / "bad.png"), "bad")
    assert [l.name for l in doc.layers()] == ["x"] and not doc.modified and doc.history.count == 1


# -- saving safely ------------------------------------------------------------------------

def small_doc(pixels) -> Document:
    doc = Document(40, 30)
    doc.add_image(pixels, "x", 0, 0)
    return doc


def test_save_errors_name_the_file_and_keep_the_document_modified(tmp_path, pixels):
    doc = small_doc(pixels)
    (tmp_path / "folder.psd").mkdir()
    cases = [
        (tmp_path / "no-such-folder" / "a.psd", "does not exist"),
        (tmp_path / "folder.psd", "is a folder"),
        (tmp_path / "a.png", "use Export"),
        (tmp_path / "a.txt", ".psd or .psb"),
    ]
    for path, reason in cases:
        error = error_of(save_document, doc, path)
        assert isinstance(error, SaveError) and str(path) in str(error) and reason in str(error)
    assert isinstance(error_of(export_image, doc, tmp_path / "a.gif"), SaveError)
    assert isinstance(error_of(export_image, doc, tmp_path / "a.psd"), SaveError)
    assert doc.modified and doc.path is None
    assert sorted(os.listdir(tmp_path)) == ["folder.psd"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores folder permissions")
def test_save_into_a_read_only_folder_fails_cleanly(tmp_path, pixels):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        error = error_of(save_document, small_doc(pixels), folder / "a.psd")
        assert "permission denied" in str(error)
    finally:
        folder.chmod(0o755)


def test_unwritable_path_gives_a_clear_message(tmp_path, pixels, monkeypatch):
    """What a read-only folder does for a normal user (simulated: tests may run as root)."""
    import errno

    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    doc = small_doc(pixels)
    for call in (lambda: save_document(doc, tmp_path / "a.psd"),
                 lambda: export_image(doc, tmp_path / "a.png")):
        error = error_of(call)
        assert isinstance(error, SaveError) and "permission denied" in str(error)
        assert str(tmp_path / "a.") in str(error)
    assert doc.modified and doc.path is None


def test_a_failure_mid_save_leaves_the_old_file_intact(tmp_path, pixels, monkeypatch):
    """Disk full (or a crash) while writing: the old file is untouched and no temp file stays."""
    import errno

    from editor.model import psd

    path = tmp_path / "work.psd"
    doc = small_doc(pixels)
    save_document(doc, path)
    old = path.read_bytes()
    doc.add_image(pixels, "more")
    assert doc.modified

    def full_disk(document, f, big=False, **_options):  # (as write_psd is called)
        f.write(b"8BPS partial data")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(psd, "write_psd", full_disk)
    error = error_of(save_document, doc, path)
    assert isinstance(error, SaveError) and "disk is full" in str(error) and str(path) in str(error)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["work.psd"]
    assert doc.modified
    monkeypatch.undo()
    save_document(doc, path)
    assert len(list(open_document(path).layers())) == 2 and not doc.modified


def test_save_keeps_file_mode_and_writes_through_symlinks(tmp_path, pixels):
    path = tmp_path / "real.psd"
    save_document(small_doc(pixels), path)
    path.chmod(0o640)
    link = tmp_path / "link.psd"
    link.symlink_to(path)
    save_document(small_doc(pixels), link)
    assert link.is_symlink() and (path.stat().st_mode & 0o777) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.psd", "real.psd"]


def test_too_large_for_psd_asks_for_psb(tmp_path):
    doc = Document(30001, 1)
    error = error_of(save_document, doc, tmp_path / "wide.psd")
    assert ".psb" in str(error)
    assert not (tmp_path / "wide.psd").exists()


def test_layer_pixels_from_file_are_independent_of_later_saves(tmp_path, pixels):
    Image.fromarray(pixels).save(tmp_path / "p.png")
    doc = open_document(tmp_path / "p.png")
    layer = next(doc.layers())
    assert isinstance(layer, Layer)
    save_document(doc, tmp_path / "p.psd")
    assert doc.path == str(tmp_path / "p.psd") and not doc.modified
    np.testing.assert_array_equal(next(open_document(tmp_path / "p.psd").layers()).pixels, pixels)


def test_flatten_on_white_rounds_every_colour_and_alpha_exactly():
    from editor.model.images import flatten_on_white

    c, a = np.meshgrid(np.arange(256), np.arange(256))
    pixels = np.dstack([c, 255 - c, c // 2, a]).astype(np.uint8)  # every (colour, alpha) pair
    expected = np.rint((pixels[..., :3] * a[..., None] + 255.0 * (255 - a[..., None])) / 255.0)
    assert np.array_equal(flatten_on_white(pixels), expected.astype(np.uint8))
    opaque = pixels.copy()
    opaque[..., 3] = 255
    assert np.array_equal(flatten_on_white(opaque), opaque[..., :3])
