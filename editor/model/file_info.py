"""File > File Info…: the document's metadata, Photoshop's Basic tab as XMP properties,
and its camera data (EXIF), read-only.

`FileInfo` holds the Basic tab's fields; `read_info` takes them from a packet and
`with_info` writes back only the fields that differ from what the packet holds
(`xmp.set_property`), so every property File Info does not edit, and an edited field's
other languages, stay as the file had them. `set_file_info` is one undo step
("File Info") that replaces `Document.xmp`; the document's EXIF block (`Document.exif`,
a TIFF-structured block as in PSD resource 1058) is only read (`camera_data`), with
the XMP packet's tiff:/exif: properties filling what it lacks.

What a written file carries: `exported_metadata` picks the packet and EXIF block by
Export As' Metadata choice (None, Copyright and Contact Info, All), `with_copyright` is
Image Processor's Copyright Info put into the packet, and `stamped` dates a packet as a
save does (xmp:ModifyDate and xmp:MetadataDate now, xmp:CreateDate kept, set when
missing). No Qt.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Callable, Optional

from . import xmp
from .history import Command

DC = "http://purl.org/dc/elements/1.1/"
XMP_BASIC = "http://ns.adobe.com/xap/1.0/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
TIFF = "http://ns.adobe.com/tiff/1.0/"
EXIF = "http://ns.adobe.com/exif/1.0/"
EXIF_EX = "http://cipa.jp/exif/1.0/"
AUX = "http://ns.adobe.com/exif/1.0/aux/"

# Copyright Status: xmpRights:Marked absent, "True", "False" (Photoshop's three choices).
COPYRIGHT_STATUSES = (("unknown", "Unknown"), ("copyrighted", "Copyrighted"),
                      ("public", "Public Domain"))
_MARKED = {"unknown": None, "copyrighted": "True", "public": "False"}


@dataclass(frozen=True)
class FileInfo:
    """The Basic tab of Photoshop's File Info (the XMP property each field is)."""

    title: str = ""                      # Document Title: dc:title (x-default)
    authors: tuple[str, ...] = ()        # Author: dc:creator (Seq)
    author_title: str = ""               # Author Title: photoshop:AuthorsPosition
    description: str = ""                # Description: dc:description (x-default)
    rating: int = 0                      # Rating, 0-5 stars: xmp:Rating (0: none)
    description_writer: str = ""         # Description Writer: photoshop:CaptionWriter
    keywords: tuple[str, ...] = ()       # Keywords: dc:subject (Bag)
    copyright_status: str = "unknown"    # xmpRights:Marked: unknown, copyrighted, public
    copyright_notice: str = ""           # Copyright Notice: dc:rights (x-default)
    copyright_url: str = ""              # Copyright Info URL: xmpRights:WebStatement

    def is_empty(self) -> bool:
        return self == FileInfo()

    def normalized(self) -> "FileInfo":
        """The fields as written: texts without surrounding blanks, lists without empty
        values, the rating 0-5."""
        values = {}
        for field in _FIELDS:
            value = getattr(self, field)
            if isinstance(value, str) and field != "copyright_status":
                value = value.strip()
            elif isinstance(value, tuple):
                value = tuple(v.strip() for v in value if v.strip())
            values[field] = value
        values["rating"] = max(0, min(5, int(self.rating)))
        return FileInfo(**values)


# Each field: (namespace, property, kind): kind "text", "alt", "seq", "bag", "rating",
# "marked".
_FIELDS = {"title": (DC, "title", "alt"), "authors": (DC, "creator", "seq"),
           "author_title": (PHOTOSHOP, "AuthorsPosition", "text"),
           "description": (DC, "description", "alt"), "rating": (XMP_BASIC, "Rating", "rating"),
           "description_writer": (PHOTOSHOP, "CaptionWriter", "text"),
           "keywords": (DC, "subject", "bag"),
           "copyright_status": (RIGHTS, "Marked", "marked"),
           "copyright_notice": (DC, "rights", "alt"),
           "copyright_url": (RIGHTS, "WebStatement", "text")}


def split_list(text: str) -> tuple[str, ...]:
    """Author and Keywords as typed: several values separated by semicolons or commas, as
    Photoshop's File Info takes them."""
    return tuple(part.strip() for part in re.split(r"[;,]", text) if part.strip())


def read_info(packet: Optional[bytes]) -> FileInfo:
    """The Basic tab's fields as `packet` holds them. Raises xmp.XmpError."""
    found = xmp.properties(packet)
    values = {}
    for field, (namespace, name, kind) in _FIELDS.items():
        value = found.get((namespace, name))
        if kind in ("seq", "bag"):
            values[field] = xmp.items_of(value)
        elif kind == "rating":
            try:
                stars = round(float(xmp.text_of(value)))
            except ValueError:
                stars = 0
            values[field] = stars if 0 <= stars <= 5 else 0  # (-1, "rejected": no stars)
        elif kind == "marked":
            marked = xmp.text_of(value).strip().lower()
            values[field] = {"true": "copyrighted", "false": "public"}.get(marked, "unknown")
        else:
            values[field] = xmp.text_of(value)
    return FileInfo(**values)


def with_info(packet: Optional[bytes], info: FileInfo) -> Optional[bytes]:
    """`packet` with the fields of `info` that differ from its own written; the rest of it
    untouched (None: no packet, and nothing to write). Raises xmp.XmpError."""
    old = read_info(packet)
    for field, (namespace, name, kind) in _FIELDS.items():
        value = getattr(info, field)
        if value == getattr(old, field):
            continue
        if kind == "alt":
            value = ("Alt", (("x-default", value.strip()),))
        elif kind in ("seq", "bag"):
            value = ("Seq" if kind == "seq" else "Bag", tuple((None, v) for v in value))
        elif kind == "rating":
            value = str(int(value)) if value else None
        elif kind == "marked":
            value = _MARKED[value]
        else:
            value = value.strip()
        packet = xmp.set_property(packet, namespace, name, value)
    return packet


def document_info(doc) -> FileInfo:
    """The document's File Info (empty when it has no packet, or one we cannot read)."""
    try:
        return read_info(doc.xmp)
    except xmp.XmpError:
        return FileInfo()


class _SetMetadata(Command):
    """The document's XMP packet replaced (undoable)."""

    def __init__(self, packet: Optional[bytes], name: str):
        self.packet, self.name, self.old = packet, name, None

    def redo(self, doc) -> None:
        self.old = doc.xmp
        doc.xmp = self.packet

    def undo(self, doc) -> None:
        doc.xmp = self.old


def set_file_info(doc, info: FileInfo) -> bool:
    """File Info's OK: the fields that changed written into the document's packet, one
    undo step; False (no step) when nothing changed."""
    info = info.normalized()
    if info == document_info(doc):
        return False
    try:
        packet = with_info(doc.xmp, info)
    except xmp.XmpError:  # (a packet we could not read was dropped when the file was read)
        packet = with_info(None, info)
    doc.history.push(_SetMetadata(packet, "File Info"))
    return True


def checked_packet(packet: Optional[bytes], warn: Callable[[str], None],
                   upright: bool = False) -> Optional[bytes]:
    """A file's XMP packet as read, or None with one warning when it is not well-formed
    (the rest of the file is read as usual; the packet is not written back). `upright`:
    the pixels were turned upright as read, so the packet's tiff:Orientation becomes 1
    (written again, it would turn them a second time)."""
    if not packet:
        return None
    try:
        xmp.check(packet)
    except xmp.XmpError as exc:
        warn(f"its XMP metadata (File Info) is damaged ({exc}) and was left out; the rest "
             f"of the file was read")
        return None
    packet = bytes(packet)
    if upright and xmp.text_of(xmp.properties(packet).get((TIFF, "Orientation"))) \
            not in ("", "1"):
        packet = xmp.set_property(packet, TIFF, "Orientation", "1")
    return packet


# -- Camera Data (EXIF, read-only) -------------------------------------------------------

EXIF_IFD = 0x8769
# (label, EXIF tag, the XMP property that holds the same)
_CAMERA = (("Make", 0x010F, (TIFF, "Make")),
           ("Model", 0x0110, (TIFF, "Model")),
           ("Lens", 0xA434, (EXIF_EX, "LensModel")),
           ("Date Time Original", 0x9003, (EXIF, "DateTimeOriginal")),
           ("Exposure", 0x829A, (EXIF, "ExposureTime")),
           ("F-Stop", 0x829D, (EXIF, "FNumber")),
           ("ISO Speed Ratings", 0x8827, (EXIF, "ISOSpeedRatings")),
           ("Focal Length", 0x920A, (EXIF, "FocalLength")),
           ("Focal Length in 35mm Film", 0xA405, (EXIF, "FocalLengthIn35mmFilm")))


def load_exif(data: Optional[bytes]):
    """A PIL `Image.Exif` from an EXIF block (TIFF-structured, with or without its
    "Exif" header), or None when there is none or it cannot be read."""
    if not data:
        return None
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(bytes(data))
    except Exception:  # (a damaged block: no camera data, as if it had none)
        return None
    return exif


def exif_tag(exif, tag: int):
    """A tag's value from the Exif sub-IFD, else from the first IFD (where some writers
    put it), else None."""
    if exif is None:
        return None
    try:
        value = exif.get_ifd(EXIF_IFD).get(tag)
    except Exception:  # (a damaged sub-IFD)
        value = None
    return value if value not in (None, "", b"") else exif.get(tag)


def _number(value) -> Optional[float]:
    """A rational as EXIF ("28/10", an IFDRational) or XMP writes it, as a float."""
    if isinstance(value, (tuple, list)):
        value = value[0] if value else None
    if isinstance(value, str):
        top, _, bottom = value.partition("/")
        try:
            return float(top) / float(bottom) if bottom else float(top)
        except (ValueError, ZeroDivisionError):
            return None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _shown(label: str, value) -> Optional[str]:
    if label == "Exposure":
        seconds = _number(value)
        if not seconds:
            return None
        return f"1/{round(1 / seconds)} s" if seconds < 1 else f"{seconds:g} s"
    if label == "F-Stop":
        number = _number(value)
        return f"f/{number:.1f}" if number else None
    if label.startswith("Focal Length"):
        number = _number(value)
        return f"{number:g} mm" if number else None
    if label == "ISO Speed Ratings":
        number = _number(value)
        return f"{number:g}" if number else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip("\x00 ") if value is not None else ""
    return text or None


def camera_data(exif_block: Optional[bytes], packet: Optional[bytes]) -> list[tuple[str, str]]:
    """File Info's Camera Data: (label, value) for what the EXIF block holds, the XMP
    packet's tiff:/exif: properties (Photoshop's copy of the EXIF) where it has none."""
    exif = load_exif(exif_block)
    try:
        found = xmp.properties(packet) if packet else {}
    except xmp.XmpError:
        found = {}
    rows = []
    for label, tag, key in _CAMERA:
        value = _shown(label, exif_tag(exif, tag))
        if value is None and key in found:
            raw = found[key]
            if key == (EXIF, "ISOSpeedRatings"):
                raw = xmp.items_of(raw)[0] if xmp.items_of(raw) else None
            value = _shown(label, xmp.text_of(raw) if raw is not None else None)
        if value is None and label == "Lens" and (AUX, "Lens") in found:
            value = _shown(label, xmp.text_of(found[(AUX, "Lens")]))
        if value is not None:
            rows.append((label, value))
    return rows


def upright_exif(exif) -> Optional[bytes]:
    """The EXIF block of a picture turned upright as it was read (its Orientation tag set
    to 1, so that writing it again turns nothing twice), TIFF-structured; None for
    none."""
    if exif is None or not len(exif):
        return None
    if exif.get(0x0112, 1) != 1:
        exif[0x0112] = 1
    try:
        data = exif.tobytes()
    except Exception:  # (a block Pillow cannot write back: kept out rather than damaged)
        return None
    return data[6:] if data.startswith(b"Exif\x00\x00") else data



# -- what a written file carries ---------------------------------------------------------

# Export As' Metadata (Photoshop's Export As: None, Copyright and Contact Info; Save for
# Web's All kept too: the whole packet and the camera's EXIF).
METADATA_CHOICES = {"none": "None", "copyright": "Copyright and Contact Info", "all": "All"}
# Copyright and Contact Info: the notice, the authors and every xmpRights property
# (Marked, WebStatement, UsageTerms). (IPTC's CreatorContactInfo is a structure our
# property reader flattens, so it is not copied.)
_COPYRIGHT_KEYS = ((DC, "rights"), (DC, "creator"))


def copyright_notice(packet: Optional[bytes]) -> str:
    """The packet's Copyright Notice (dc:rights, x-default), "" for none or a packet we
    cannot read."""
    try:
        return read_info(packet).copyright_notice
    except xmp.XmpError:
        return ""


def exported_metadata(packet: Optional[bytes], exif: Optional[bytes], choice: str
                      ) -> tuple[Optional[bytes], Optional[bytes]]:
    """(XMP packet, EXIF block) a file gets by Metadata `choice`: "none" neither,
    "copyright" a new packet with the copyright and contact properties only (no EXIF),
    "all" both as the document has them."""
    if choice == "all":
        return packet, exif
    if choice != "copyright" or not packet:
        return None, None
    try:
        found = xmp.properties(packet)
    except xmp.XmpError:
        return None, None
    kept = None
    for key, value in found.items():
        if key in _COPYRIGHT_KEYS or key[0] == RIGHTS:
            kept = xmp.set_property(kept, *key, value)
    return kept, None


def with_copyright(packet: Optional[bytes], notice: str) -> Optional[bytes]:
    """Image Processor's Copyright Info: `packet` with dc:rights set to `notice` and the
    status Copyrighted, as Photoshop's script sets them (`notice` "": unchanged)."""
    notice = notice.strip()
    if not notice:
        return packet
    try:
        info = read_info(packet)
    except xmp.XmpError:  # (checked when read: only a packet set by hand gets here)
        packet, info = None, FileInfo()
    return with_info(packet, FileInfo(**{**info.__dict__, "copyright_notice": notice,
                                         "copyright_status": "copyrighted"}))


def _now() -> datetime.datetime:
    """The time a save is dated with (local, with its UTC offset; tests freeze it)."""
    return datetime.datetime.now().astimezone()


def stamped(packet: Optional[bytes]) -> Optional[bytes]:
    """`packet` dated as Photoshop dates a save: xmp:ModifyDate and xmp:MetadataDate now
    (ISO 8601 with the UTC offset, to the second), xmp:CreateDate kept, set to now when
    missing; every other property as it was. No packet, or one we cannot read: as it is
    (a file that had no metadata gets none)."""
    if not packet:
        return packet
    when = _now().isoformat(timespec="seconds")
    try:
        found = xmp.properties(packet)
        if not xmp.text_of(found.get((XMP_BASIC, "CreateDate"))):
            packet = xmp.set_property(packet, XMP_BASIC, "CreateDate", when)
        for name in ("ModifyDate", "MetadataDate"):
            packet = xmp.set_property(packet, XMP_BASIC, name, when)
    except xmp.XmpError:
        return packet
    return packet
