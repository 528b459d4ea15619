"""What the Info panel's colour read-outs and status lines show (Panel Options…), as
Photoshop names them; plain numbers, no Qt.

A read-out mode turns the colour under the pointer into (caption, text) rows: Actual Color
(the document's own mode: RGB, Lab, or Grayscale's K), RGB, Web Color (RGB in hexadecimal),
HSB, Grayscale (K: ink percent of the Rec. 601 grey), CMYK (the naive conversion, no press
profile: not the numbers Photoshop's SWOP profile gives), Lab (Photoshop's D50,
`color_modes.lab_of_rgb`), Total Ink (the sum of those CMYK percents) and Opacity (the
active layer's at that pixel). Document Sizes are the flattened image's bytes and, after the
slash, those plus the layers' pixels as kept in memory (8 bits a channel)."""
from __future__ import annotations

import colorsys
from typing import Optional

import numpy as np

from editor.model import color_modes as cm

BLANK = "–"
READOUT_MODES = (("actual", "Actual Color"), ("rgb", "RGB Color"), ("web", "Web Color"),
                 ("hsb", "HSB Color"), ("grayscale", "Grayscale"), ("cmyk", "CMYK Color"),
                 ("lab", "Lab Color"), ("ink", "Total Ink"), ("opacity", "Opacity"))
CAPTIONS = {"rgb": ("R", "G", "B"), "web": ("R", "G", "B"), "hsb": ("H", "S", "B"),
            "grayscale": ("K",), "cmyk": ("C", "M", "Y", "K"), "lab": ("L", "a", "b"),
            "ink": ("Ink",), "opacity": ("Op",)}
# Panel Options' Status Information: (key, label, on by default).
STATUS = (("sizes", "Document Sizes", True), ("dimensions", "Document Dimensions", True),
          ("tool", "Current Tool", False))


def actual_mode(doc_mode: str) -> str:
    """The read-out Actual Color is in a document of colour mode `doc_mode`."""
    return {"lab": "lab", "grayscale": "grayscale"}.get(doc_mode, "rgb")


def hsb(r: int, g: int, b: int) -> tuple[int, int, int]:
    """Hue in degrees, saturation and brightness in percent (Photoshop's HSB)."""
    h, s, v = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
    return round(h * 360) % 360, round(s * 100), round(v * 100)


def cmyk(r: int, g: int, b: int) -> tuple[int, int, int, int]:
    """Ink percents, the naive way (K the darkest, no press profile)."""
    k = 1 - max(r, g, b) / 255
    if k >= 1:
        return 0, 0, 0, 100
    return tuple(round(100 * (1 - c / 255 - k) / (1 - k)) for c in (r, g, b)) + (round(100 * k),)


def readout(mode: str, rgb: Optional[tuple[int, int, int]], doc_mode: str = "rgb",
            opacity: Optional[float] = None) -> list[tuple[str, str]]:
    """Rows of (caption, value) for read-out `mode` of colour `rgb` (None: nothing under the
    pointer, the captions with blanks); `opacity`: the active layer's there, 0..1."""
    if mode == "actual":
        mode = actual_mode(doc_mode)
    captions = CAPTIONS[mode]
    if rgb is None or (mode == "opacity" and opacity is None):
        return [(c, BLANK) for c in captions]
    r, g, b = (int(v) for v in rgb)
    if mode == "rgb":
        values = [str(v) for v in (r, g, b)]
    elif mode == "web":
        values = [f"{v:02X}" for v in (r, g, b)]
    elif mode == "hsb":
        h, s, v = hsb(r, g, b)
        values = [f"{h}°", f"{s}%", f"{v}%"]
    elif mode == "grayscale":
        grey = int(cm.grey_of(np.array([r, g, b], np.uint8)))
        values = [f"{round(100 - grey * 100 / 255)}%"]
    elif mode == "cmyk":
        values = [f"{v}%" for v in cmyk(r, g, b)]
    elif mode == "ink":
        values = [f"{sum(cmyk(r, g, b))}%"]
    elif mode == "lab":  # Photoshop's read-out: whole numbers
        values = [str(round(float(v))) for v in cm.lab_of_rgb(np.array([r, g, b], np.uint8))]
    else:  # opacity
        values = [f"{round(opacity * 100)}%"]
    return list(zip(captions, values))


def size_text(n: int) -> str:
    """Bytes as Photoshop's Info panel writes them: 18.0K, 2.25M, 120.5M."""
    if n < 1024 * 1024:
        return f"{n / 1024:.1f}K"
    mb = n / (1024 * 1024)
    return f"{mb:.2f}M" if mb < 100 else f"{mb:.1f}M"


def doc_sizes(doc) -> tuple[int, int]:
    """(the flattened image's bytes, those plus the layers' pixels kept in memory)."""
    channels = 1 if doc.color_mode in ("grayscale", "indexed") else 3
    flat = doc.width * doc.height * channels
    layered = sum(int(getattr(node, "pixels", None).nbytes) for node in doc.layers()
                  if getattr(node, "pixels", None) is not None)
    return flat, flat + layered


def layer_opacity(doc, x: int, y: int) -> Optional[float]:
    """The active layer's opacity at canvas pixel (x, y): its pixel's alpha times its
    Opacity (None without an active pixel layer)."""
    node = doc.active
    pixels = getattr(node, "pixels", None)
    if pixels is None:
        return None
    u, v = x - node.x, y - node.y
    alpha = pixels[v, u, 3] / 255 if 0 <= v < pixels.shape[0] and 0 <= u < pixels.shape[1] \
        else 0.0
    return float(alpha) * getattr(node, "opacity", 255) / 255
