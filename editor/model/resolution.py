"""A document's resolution (pixels per inch, `Document.resolution`) as Photoshop keeps it:
read from and written to a PSD's ResolutionInfo image resource (1005, a 16.16 fixed
number of pixels per inch whatever unit Photoshop shows it in) and a flat file's DPI
(Pillow's `info["dpi"]`: JPEG's JFIF density, PNG's pHYs, TIFF's XResolution); Image
Size's print units converted by it, and its undoable change (Image Size with Resample
off changes nothing else).

Preferences > Units & Rulers' Type and Rulers units are converted by it too: a text
layer's sizes are pixels (`text_layer.py`, as Photoshop's engine data keeps them), shown
and typed in points (12 pt at 300 ppi is 50 px), pixels or millimetres (`type_shown`,
`type_pixels`); the rulers count in any of Image Size's units, and what measures the
canvas follows them (the Info panel, New Guide, Canvas Size, Image Size's Document Size):
`length_text` shows a length in a unit ("2 in"), `parse_length` reads one typed with a
unit or without ("3 cm", "50 %", "120": the field's own unit)."""
from __future__ import annotations

import struct
from typing import Optional

from .history import Command

DEFAULT = 72.0  # Photoshop's for a new web document, and what a file without one gets
MIN, MAX = 1.0, 30000.0  # Image Size's limits (px/in) in Photoshop
RESOURCE = 1005  # ResolutionInfo

# Image Size's Width/Height units: how many of them an inch holds (None: not a length).
INCH = {"inches": 1.0, "centimeters": 2.54, "millimeters": 25.4, "points": 72.0,
        "picas": 6.0}
UNITS = (("pixels", "Pixels"), ("percent", "Percent"), ("inches", "Inches"),
         ("centimeters", "Centimeters"), ("millimeters", "Millimeters"),
         ("points", "Points"), ("picas", "Picas"))
PER_CM = 2.54  # px/in over px/cm
# Preferences > Units & Rulers: Type's units (key, name, the fields' suffix) and the
# rulers' (Image Size's, with their suffixes).
TYPE_UNITS = (("points", "Points", " pt"), ("pixels", "Pixels", " px"),
              ("millimeters", "Millimeters", " mm"))
RULER_UNITS = UNITS
# The short names a length is shown with and typed in (Photoshop's; also the long ones).
SUFFIX = {"pixels": "px", "percent": "%", "inches": "in", "centimeters": "cm",
          "millimeters": "mm", "points": "pt", "picas": "pica"}
# Places shown after the point (Photoshop's Info panel: 1.253 in, 10.6 cm, 106.1 mm).
DECIMALS = {"pixels": 0, "percent": 1, "inches": 3, "centimeters": 2, "millimeters": 1,
            "points": 1, "picas": 2}
TYPED = {**{v: k for k, v in SUFFIX.items()}, **{k: k for k in SUFFIX},
         "pixel": "pixels", "inch": "inches", "\"": "inches", "cm": "centimeters",
         "centimeter": "centimeters", "millimeter": "millimeters", "point": "points",
         "pc": "picas", "picas": "picas", "pct": "percent"}
# The settings of a text (`TextSettings`) that are lengths, in pixels: the type unit's.
TYPE_LENGTHS = ("size", "leading", "baseline_shift", "indent_left", "indent_right",
                "indent_first", "space_before", "space_after")


def clamped(ppi) -> float:
    """`ppi` within Photoshop's limits (DEFAULT for nonsense such as 0 or NaN)."""
    try:
        ppi = float(ppi)
    except (TypeError, ValueError):
        return DEFAULT
    if not ppi == ppi or ppi <= 0:  # (NaN, 0: a file that says nothing)
        return DEFAULT
    return min(MAX, max(MIN, ppi))


def to_pixels(value: float, unit: str, ppi: float, pixels: int) -> float:
    """A Width or Height in `unit` as pixels at `ppi` (`pixels`: the current side, for
    Percent)."""
    if unit == "pixels":
        return float(value)
    if unit == "percent":
        return value * pixels / 100.0
    return value / INCH[unit] * ppi


def from_pixels(px: float, unit: str, ppi: float, pixels: int) -> float:
    """`px` pixels in `unit` at `ppi` (the inverse of `to_pixels`)."""
    if unit == "pixels":
        return float(px)
    if unit == "percent":
        return px * 100.0 / pixels
    return px / ppi * INCH[unit]


def length_text(px: float, unit: str, ppi: float, pixels: int,
                decimals: Optional[int] = None) -> str:
    """`px` pixels shown in `unit` with its short name ("2 in"; to `decimals` places, by
    default the unit's DECIMALS, trailing zeros dropped)."""
    value = from_pixels(px, unit, ppi, pixels)
    text = f"{value:.{DECIMALS[unit] if decimals is None else decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'0' if text == '-0' else text} {SUFFIX[unit]}"


def parse_length(text: str, unit: str, ppi: float, pixels: int) -> float:
    """A length typed as Photoshop's fields take it, in pixels: a number with a unit of its
    own ("2 in", "3cm", "50 %", "12 pica") or without (then in `unit`). ValueError, one
    line, for anything else."""
    import re

    match = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*([A-Za-z%\"]*)\s*", text or "")
    typed = match and (match.group(2).lower() or SUFFIX[unit])
    if not match or typed not in TYPED:
        names = ", ".join(SUFFIX.values())
        raise ValueError(f"{text.strip()!r} is not a length: a number, and a unit if not "
                         f"{SUFFIX[unit]} ({names}).")
    return to_pixels(float(match.group(1)), TYPED[typed], ppi, pixels)


def type_shown(px: float, unit: str, ppi: float) -> float:
    """A type length of `px` pixels in type `unit` (TYPE_UNITS) at `ppi`."""
    return from_pixels(px, unit, ppi, 1)


def type_pixels(value: float, unit: str, ppi: float) -> float:
    """A type length typed in `unit` at `ppi` as pixels (`type_shown`'s inverse)."""
    return to_pixels(value, unit, ppi, 1)


def type_suffix(unit: str) -> str:
    """The type fields' suffix for `unit` (" pt")."""
    return next((suffix for key, _, suffix in TYPE_UNITS if key == unit), " pt")


def type_change(change: dict, factor: float) -> dict:
    """A change of text settings with its lengths (TYPE_LENGTHS; a None leading: Auto)
    times `factor`: the Type tool's next-text settings (points, as at 72 ppi) to and from
    a document's pixels."""
    return {k: (round(v * factor, 3) if k in TYPE_LENGTHS and v is not None else v)
            for k, v in change.items()}


# -- files ---------------------------------------------------------------------------------

def read_resource(data: Optional[bytes]) -> Optional[float]:
    """Pixels per inch of a ResolutionInfo resource's bytes (psd-tools' parsed object
    too); None when absent or unreadable. Photoshop stores px/in even when it shows px/cm,
    rounded to 1/65536 (299.99997 for 118.11 px/cm): kept to 1/1000."""
    if data is None:
        return None
    fixed = getattr(data, "horizontal", None)
    if fixed is None:
        if len(data) < 4:
            return None
        fixed = struct.unpack(">I", bytes(data[:4]))[0]
    return clamped(round(fixed / 65536.0, 3)) if fixed else None


def resource_bytes(ppi: float) -> bytes:
    """ResolutionInfo's 16 bytes for `ppi`: horizontal and vertical in px/in (unit 1)
    with their sizes shown in inches (unit 1), as Photoshop writes an inch document."""
    fixed = round(clamped(ppi) * 65536)
    return struct.pack(">IHHIHH", fixed, 1, 1, fixed, 1, 1)


def of_image(info: dict) -> Optional[float]:
    """The DPI Pillow read from a flat file (`image.info`), horizontal; None without it
    (or a JPEG's aspect-only density, which Pillow reports as 1 or 0)."""
    dpi = info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    if value <= 1:
        return None
    # PNG keeps pixels per metre, a whole number: 300 ppi comes back 299.9994. Within that
    # rounding (half of 0.0254 ppi) of a whole number, the whole number is what was meant.
    if abs(value - round(value)) < 0.013:
        value = float(round(value))
    return clamped(value)


def save_options(fmt: str, ppi: Optional[float]) -> dict:
    """Pillow's save option that writes `ppi` (JPEG, PNG, TIFF; the others have none)."""
    if ppi is None or fmt not in ("JPEG", "PNG", "TIFF"):
        return {}
    ppi = clamped(ppi)
    return {"dpi": (ppi, ppi)}


# -- the command ---------------------------------------------------------------------------

class SetResolution(Command):
    """The document's resolution changed (Image Size; with Resample off its only step)."""

    def __init__(self, ppi: float, name: str = "Image Size"):
        self.name, self.ppi, self.old = name, clamped(ppi), None

    def redo(self, doc) -> None:
        self.old = doc.resolution
        doc.resolution = self.ppi

    def undo(self, doc) -> None:
        doc.resolution = self.old


def set_resolution(doc, ppi: float, name: str = "Image Size") -> bool:
    """Pushes `SetResolution` when `ppi` differs from the document's (by 1/1000); False
    (no step) when it does not."""
    ppi = clamped(ppi)
    if abs(ppi - doc.resolution) < 0.0005:
        return False
    doc.history.push(SetResolution(ppi, name))
    return True
