"""File Info's metadata in files (`model/file_info.py`, `model/xmp.py`): Photoshop's Basic
fields read from a Photoshop PSD's XMP (image resource 1060), edited as one undo step,
written back through our PSD writer beside our own property and read by psd-tools, every
property File Info does not edit kept; JPEG/PNG/TIFF/WebP exports carry the packet (and
the camera's EXIF where Pillow writes it) and read back; a damaged packet is one warning,
the rest of the file read; `layered info` prints the fields."""
from __future__ import annotations

import datetime
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from psd_tools import PSDImage

from editor.model import Document
from editor.model.file_info import (FileInfo, camera_data, document_info, read_info,
                                    set_file_info, split_list, with_info)
from editor.model.files import export_image, open_document, save_document
from editor.model.psd_xmp import XMP_NAMESPACE, _parse_xmp
from editor.model import xmp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PHOTOSHOP = os.path.join(HERE, "ag_psd_files", "adjustment-layers.psd")  # Basic tab filled
MM = "http://ns.adobe.com/xap/1.0/mm/"
DC = "http://purl.org/dc/elements/1.1/"
XMP_BASIC = "http://ns.adobe.com/xap/1.0/"
SAVE_DATES = {(XMP_BASIC, "ModifyDate"), (XMP_BASIC, "MetadataDate")}  # (each save's)


def small_doc() -> Document:
    doc = Document(24, 16)
    pixels = np.zeros((16, 24, 4), np.uint8)
    pixels[..., 0], pixels[..., 3] = 200, 255
    doc.add_image(pixels, "Red")
    doc.history.mark_clean()
    return doc


def file_packet(path: str) -> bytes:
    return bytes(PSDImage.open(path).image_resources.get_data(1060))


def others(packet: bytes, edited: set) -> dict:
    """The packet's properties less those File Info was asked to change and ours."""
    return {k: v for k, v in xmp.properties(packet).items()
            if k not in edited and k[0] != XMP_NAMESPACE}


def test_photoshop_basic_fields_are_read():
    doc = open_document(PHOTOSHOP)
    assert document_info(doc) == FileInfo(
        title="title here", authors=("author here",), author_title="author title here",
        description="description here", rating=2, description_writer="desc writer here",
        keywords=("key", "words", "here"), copyright_status="copyrighted",
        copyright_notice="copy notice here", copyright_url="http://example.com")
    assert doc.warnings == []


def test_edit_is_one_undo_step_and_marks_modified():
    doc = open_document(PHOTOSHOP)
    before = doc.xmp
    steps = doc.history.index
    info = FileInfo(**{**document_info(doc).__dict__, "title": "New title",
                       "authors": ("Ann", "Bob"), "rating": 5})
    assert set_file_info(doc, info)
    assert doc.history.index == steps + 1 and doc.modified
    assert document_info(doc).authors == ("Ann", "Bob") and document_info(doc).rating == 5
    assert not set_file_info(doc, document_info(doc))  # nothing changed: no step
    assert doc.history.index == steps + 1
    doc.history.undo()
    assert doc.xmp == before and not doc.modified
    doc.history.redo()
    assert document_info(doc).title == "New title"


def test_psd_round_trip_keeps_what_file_info_does_not_edit(tmp_path):
    doc = open_document(PHOTOSHOP)
    original = doc.xmp
    info = FileInfo(**{**document_info(doc).__dict__, "title": "Über", "keywords": ("a", "b"),
                       "copyright_status": "public", "author_title": ""})
    set_file_info(doc, info)
    path = str(tmp_path / "out.psd")
    save_document(doc, path)
    written = file_packet(path)  # what psd-tools reads from resource 1060
    assert read_info(written) == info
    edited = {(DC, "title"), (DC, "subject"), ("http://ns.adobe.com/xap/1.0/rights/", "Marked"),
              ("http://ns.adobe.com/photoshop/1.0/", "AuthorsPosition"), *SAVE_DATES}
    assert others(written, edited) == others(original, edited)
    assert xmp.properties(written)[(MM, "History")][0] == "Seq"  # (a structure, kept)
    # Our own property sits beside them and the layers still find it.
    assert isinstance(_parse_xmp(written), dict)
    again = open_document(path)
    assert document_info(again) == info
    assert [n.name for n in again.nodes()] == [n.name for n in doc.nodes()]
    assert XMP_NAMESPACE.encode() not in again.xmp  # (ours is not File Info's)


def test_unedited_photoshop_packet_survives_our_save(tmp_path):
    doc = open_document(PHOTOSHOP)
    path = str(tmp_path / "same.psd")
    save_document(doc, path)
    assert others(file_packet(path), SAVE_DATES) == others(file_packet(PHOTOSHOP), SAVE_DATES)


def test_new_document_gets_a_packet_with_file_info_and_recipes(tmp_path):
    doc = small_doc()
    doc.layers().__next__().recipe = {"prompt": "a red square"}
    set_file_info(doc, FileInfo(title="Red", authors=("Me",), keywords=("red",)))
    path = str(tmp_path / "new.psd")
    save_document(doc, path)
    again = open_document(path)
    assert document_info(again).title == "Red"
    assert next(again.layers()).recipe == {"prompt": "a red square"}
    # A document of ours without File Info keeps no packet of its own.
    save_document(small_doc(), path)
    assert open_document(path).xmp is None


def test_other_languages_and_attribute_form_are_kept():
    packet = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="'
              b'http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
              b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/'
              b'xap/1.0/" xmp:Rating="3" xmp:Label="Red"><dc:title><rdf:Alt>'
              b'<rdf:li xml:lang="x-default">Cat</rdf:li><rdf:li xml:lang="fr-FR">Chat</rdf:li>'
              b'</rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>')
    info = read_info(packet)
    assert (info.title, info.rating) == ("Cat", 3)
    out = with_info(packet, FileInfo(**{**info.__dict__, "title": "Kitten", "rating": 4}))
    found = xmp.properties(out)
    assert found[(DC, "title")] == ("Alt", (("x-default", "Kitten"), ("fr-FR", "Chat")))
    assert found[("http://ns.adobe.com/xap/1.0/", "Rating")] == "4"
    assert found[("http://ns.adobe.com/xap/1.0/", "Label")] == "Red"
    assert b'xmp:Rating="4"' in out  # (stays an attribute, as written)
    assert out.startswith(b"<?xpacket begin=")


def test_lists_split_on_semicolons_or_commas():
    assert split_list(" Ann; Bob ,Cy;; ") == ("Ann", "Bob", "Cy")


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "NIKON CORPORATION", "NIKON D750", orientation
    exif.get_ifd(0x8769).update({0x829A: IFDRational(1, 250), 0x829D: IFDRational(28, 10),
                                 0x8827: 400, 0x9003: "2024:05:01 10:30:00",
                                 0x920A: IFDRational(50, 1)})
    return exif


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif", ".webp"])
def test_export_writes_the_packet_and_reopening_reads_it(tmp_path, suffix):
    doc = small_doc()
    info = FileInfo(title="Export", authors=("Ann", "Bob"), keywords=("k1", "k2"),
                    copyright_status="copyrighted", copyright_notice="© 2026 Ann")
    set_file_info(doc, info)
    path = str(tmp_path / f"out{suffix}")
    export_image(doc, path)
    again = open_document(path)
    assert document_info(again) == info
    assert again.warnings == []


def test_jpeg_camera_data_and_metadata_round_trip(tmp_path):
    """A camera JPEG turned on its side: opened upright, its camera data shown, exported
    with its metadata and EXIF (Orientation now 1: the pixels are upright), reopened."""
    source = str(tmp_path / "camera.jpg")
    packet = with_info(None, FileInfo(title="Portrait", keywords=("face",)))
    Image.new("RGB", (20, 12), (10, 120, 200)).save(source, exif=camera_exif(6), xmp=packet)
    doc = open_document(source)
    assert (doc.width, doc.height) == (12, 20)
    rows = dict(camera_data(doc.exif, doc.xmp))
    assert rows == {"Make": "NIKON CORPORATION", "Model": "NIKON D750",
                    "Date Time Original": "2024:05:01 10:30:00", "Exposure": "1/250 s",
                    "F-Stop": "f/2.8", "ISO Speed Ratings": "400", "Focal Length": "50 mm"}
    out = str(tmp_path / "out.jpg")
    export_image(doc, out)
    again = open_document(out)
    assert (again.width, again.height) == (12, 20)  # not turned a second time
    assert dict(camera_data(again.exif, again.xmp)) == rows
    assert document_info(again).title == "Portrait"
    # Saved as PSD: the EXIF in resource 1058, as Photoshop keeps it.
    psd_path = str(tmp_path / "camera.psd")
    save_document(doc, psd_path)
    assert PSDImage.open(psd_path).image_resources.get_data(1058)
    assert dict(camera_data(open_document(psd_path).exif, None)) == rows


def test_camera_data_falls_back_on_xmp_exif_properties():
    packet = xmp.set_property(None, "http://ns.adobe.com/tiff/1.0/", "Make", "Canon")
    packet = xmp.set_property(packet, "http://ns.adobe.com/exif/1.0/", "ExposureTime", "1/60")
    packet = xmp.set_property(packet, "http://ns.adobe.com/exif/1.0/", "FNumber", "56/10")
    assert camera_data(None, packet) == [("Make", "Canon"), ("Exposure", "1/60 s"),
                                         ("F-Stop", "f/5.6")]


def damaged(path: str, good: bytes, bad: bytes) -> None:
    data = open(path, "rb").read()
    assert data.count(good) == 1
    open(path, "wb").write(data.replace(good, bad))


def test_damaged_packet_in_a_psd_is_one_warning(tmp_path):
    doc = small_doc()
    doc.add_image(np.full((4, 4, 4), 255, np.uint8), "White")
    set_file_info(doc, FileInfo(title="Title"))
    path = str(tmp_path / "bad.psd")
    save_document(doc, path)
    damaged(path, b"</x:xmpmeta>", b"</x:xmpmetX>")  # (same length: the file stays whole)
    again = open_document(path)
    assert [n.name for n in again.nodes()] == ["Red", "White"]
    assert len(again.warnings) == 1 and "XMP metadata (File Info) is damaged" \
        in again.warnings[0] and path in again.warnings[0]
    assert again.xmp is None and document_info(again) == FileInfo()
    # Saved again, the file gets a packet of ours that reads.
    save_document(again, path)
    assert open_document(path).warnings == []


def test_damaged_packet_in_a_jpeg_is_one_warning(tmp_path):
    path = str(tmp_path / "bad.jpg")
    packet = with_info(None, FileInfo(title="Title"))
    Image.new("RGB", (8, 6), (0, 200, 0)).save(path, exif=camera_exif(), xmp=packet)
    damaged(path, b"</x:xmpmeta>", b"</x:xmpmetX>")
    doc = open_document(path)
    assert len(doc.warnings) == 1 and "XMP metadata (File Info) is damaged" in doc.warnings[0]
    assert next(doc.layers()).pixels[0, 0, 1] > 150
    assert dict(camera_data(doc.exif, doc.xmp))["Make"] == "NIKON CORPORATION"


def test_cli_info_prints_the_metadata(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "info", PHOTOSHOP],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for line in ("title: title here", "author: author here", "keywords: key; words; here",
                 "copyright: copy notice here", "copyright status: copyrighted",
                 "copyright info URL: http://example.com"):
        assert line in lines
    plain = str(tmp_path / "plain.png")
    export_image(small_doc(), plain)
    result = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "info", plain],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and "title:" not in result.stdout


def test_xmp_orientation_follows_the_upright_pixels(tmp_path):
    path = str(tmp_path / "turned.jpg")
    packet = xmp.set_property(None, "http://ns.adobe.com/tiff/1.0/", "Orientation", "6")
    Image.new("RGB", (20, 12)).save(path, exif=camera_exif(6), xmp=packet)
    doc = open_document(path)
    assert (doc.width, doc.height) == (12, 20)
    assert xmp.properties(doc.xmp)[("http://ns.adobe.com/tiff/1.0/", "Orientation")] == "1"


def test_a_packet_too_big_for_a_jpeg_marker_is_left_out_not_failed(tmp_path):
    doc = small_doc()
    set_file_info(doc, FileInfo(title="Big", description="x" * 70_000))
    path = str(tmp_path / "big.jpg")
    export_image(doc, path)
    assert open_document(path).xmp is None
    export_image(doc, str(tmp_path / "big.png"))  # (PNG has room for it)
    assert document_info(open_document(str(tmp_path / "big.png"))).title == "Big"


# -- what saved and exported files carry ---------------------------------------------------

UNKNOWN = "http://example.com/other-program/1.0/"


def frozen(monkeypatch, when: str) -> None:
    """Saves dated `when` (ISO 8601 with its offset)."""
    moment = datetime.datetime.fromisoformat(when)
    monkeypatch.setattr("editor.model.file_info._now", lambda: moment)


def described_doc() -> Document:
    """A document with File Info, another program's property and the camera's EXIF."""
    doc = small_doc()
    set_file_info(doc, FileInfo(title="Title", authors=("Ann",), copyright_notice="(c) Ann",
                                copyright_status="copyrighted",
                                copyright_url="http://example.com/rights"))
    doc.xmp = xmp.set_property(doc.xmp, UNKNOWN, "Secret", "kept")
    doc.exif = camera_exif().tobytes()[6:]
    return doc


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_export_as_metadata_choices(tmp_path, monkeypatch, fmt):
    from editor.model.export_as import ExportSettings, export_as

    frozen(monkeypatch, "2026-12-02T15:04:05+01:00")
    doc = described_doc()
    before = doc.xmp
    suffix = ".jpg" if fmt == "JPEG" else ".png"
    reopened = {}
    for choice in ("none", "copyright", "all"):
        path = str(tmp_path / f"{choice}{suffix}")
        export_as(doc, path, ExportSettings(fmt, metadata=choice))
        reopened[choice] = open_document(path)
    assert reopened["none"].xmp is None and reopened["none"].exif is None
    if fmt == "JPEG":
        assert 0x8298 not in Image.open(tmp_path / "none.jpg").getexif()
    # Copyright and Contact Info: the notice, status, URL and authors; nothing else.
    info = document_info(reopened["copyright"])
    assert (info.copyright_notice, info.copyright_status, info.copyright_url, info.authors) \
        == ("(c) Ann", "copyrighted", "http://example.com/rights", ("Ann",))
    assert info.title == "" and camera_data(reopened["copyright"].exif, None) == []
    found = xmp.properties(reopened["copyright"].xmp)
    assert (UNKNOWN, "Secret") not in found
    assert found[(XMP_BASIC, "ModifyDate")] == "2026-12-02T15:04:05+01:00"
    # All: the whole packet (another program's property too) and the camera data.
    found = xmp.properties(reopened["all"].xmp)
    assert found[(UNKNOWN, "Secret")] == "kept" and document_info(reopened["all"]).title == "Title"
    for name in ("CreateDate", "ModifyDate", "MetadataDate"):
        assert found[(XMP_BASIC, name)] == "2026-12-02T15:04:05+01:00"
    assert dict(camera_data(reopened["all"].exif, None))["Make"] == "NIKON CORPORATION"
    assert doc.xmp == before  # (an export dates the file, not the document)


def test_save_dates_the_packet_and_keeps_the_create_date(tmp_path, monkeypatch):
    doc = described_doc()
    path = str(tmp_path / "dated.psd")
    frozen(monkeypatch, "2026-01-02T03:04:05-05:00")
    save_document(doc, path)
    frozen(monkeypatch, "2026-06-07T08:09:10+02:00")
    save_document(doc, path)
    found = xmp.properties(file_packet(path))
    assert found[(XMP_BASIC, "CreateDate")] == "2026-01-02T03:04:05-05:00"  # the first save's
    assert found[(XMP_BASIC, "ModifyDate")] == "2026-06-07T08:09:10+02:00"
    assert found[(XMP_BASIC, "MetadataDate")] == "2026-06-07T08:09:10+02:00"
    assert found[(UNKNOWN, "Secret")] == "kept"  # another program's property survives
    # Reopened and saved again, the file's CreateDate still stays.
    again = open_document(path)
    frozen(monkeypatch, "2026-07-01T00:00:00+00:00")
    save_document(again, path)
    found = xmp.properties(file_packet(path))
    assert found[(XMP_BASIC, "CreateDate")] == "2026-01-02T03:04:05-05:00"
    assert found[(XMP_BASIC, "ModifyDate")] == "2026-07-01T00:00:00+00:00"
    assert document_info(open_document(path)).title == "Title"


def test_save_a_copy_dates_the_copy_only_and_no_packet_is_made(tmp_path, monkeypatch):
    from editor.model.files import save_copy

    frozen(monkeypatch, "2026-03-04T05:06:07+00:00")
    doc = described_doc()
    before = doc.xmp
    save_copy(doc, str(tmp_path / "copy.psd"))
    assert doc.xmp == before
    assert xmp.properties(file_packet(str(tmp_path / "copy.psd")))[
        (XMP_BASIC, "ModifyDate")] == "2026-03-04T05:06:07+00:00"
    # A document without metadata gets none: no dates in a packet of its own.
    plain = small_doc()
    save_document(plain, str(tmp_path / "plain.psd"))
    export_image(plain, str(tmp_path / "plain.jpg"))
    assert plain.xmp is None
    assert open_document(str(tmp_path / "plain.psd")).xmp is None
    assert open_document(str(tmp_path / "plain.jpg")).xmp is None
