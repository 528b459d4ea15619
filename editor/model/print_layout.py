"""File > Print…'s settings and where the image lies on the page (no Qt: millimetres only).

An image prints at its document's resolution (`Document.resolution`, which File > Print
puts in `PrintSettings.ppi`), as in Photoshop: at 100 % a 720-pixel-wide image is 10 inches
wide on paper at 72 ppi, 2.4 inches at 300 ppi.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

MM_PER_INCH = 25.4
DEFAULT_PPI = 72.0
PDF = "Save as PDF"  # the printer entry that writes a PDF file
PAPERS = ("A4", "A3", "A5", "Letter", "Legal", "Tabloid")  # Qt's QPageSize.PageSizeId names
UNITS = {"cm": 10.0, "mm": 1.0, "in": MM_PER_INCH}  # millimetres per unit


@dataclass(frozen=True)
class PrintSettings:
    printer: str = PDF
    pdf_path: str = ""
    copies: int = 1
    landscape: bool = False
    paper: str = "A4"
    center: bool = True
    top_mm: float = 0.0    # used when not centred
    left_mm: float = 0.0
    scale: float = 100.0   # percent of the size at `ppi`
    fit: bool = False      # Scale to Fit Media (then `scale` is ignored)
    selected_area: bool = False
    units: str = "cm"
    ppi: float = DEFAULT_PPI

    @classmethod
    def from_values(cls, get) -> "PrintSettings":
        """Settings read through `get(name, default, kind)` (the app's settings), with
        anything missing or unusable left at its default."""
        out = {}
        for f in fields(cls):
            default = f.default
            value = get(f.name, default, type(default))
            out[f.name] = default if value is None else value
        s = cls(**out)
        if s.paper not in PAPERS or s.units not in UNITS or s.copies < 1 or s.scale <= 0 \
                or s.ppi <= 0:
            return cls(printer=s.printer, pdf_path=s.pdf_path)
        return s


def natural_size_mm(width_px: int, height_px: int, ppi: float) -> tuple[float, float]:
    """The image's size on paper at 100 %."""
    return width_px / ppi * MM_PER_INCH, height_px / ppi * MM_PER_INCH


def effective_scale(page_mm: tuple[float, float], image_px: tuple[int, int],
                    s: PrintSettings) -> float:
    """The scale in percent: the chosen one, or with Scale to Fit Media the largest that
    keeps the whole image on the page."""
    if not s.fit:
        return s.scale
    w, h = natural_size_mm(*image_px, s.ppi)
    return 100.0 * min(page_mm[0] / w, page_mm[1] / h)


def placement(page_mm: tuple[float, float], image_px: tuple[int, int],
              s: PrintSettings) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the printed image on the page, in millimetres from
    the paper's top left corner. Scale to Fit Media also centres (as Photoshop's does)."""
    scale = effective_scale(page_mm, image_px, s) / 100.0
    w, h = natural_size_mm(*image_px, s.ppi)
    w, h = w * scale, h * scale
    if s.center or s.fit:
        return (page_mm[0] - w) / 2, (page_mm[1] - h) / 2, w, h
    return s.left_mm, s.top_mm, w, h
