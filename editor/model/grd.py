"""Photoshop's gradient files (.grd, version 5: Photoshop 6 onwards) read into our gradient
presets (`gradient_presets`): the Gradient Fill dialog's Import… and the Preset Manager's
Load… for Gradients.

Such a file is '8BGR', the version (5) and an action descriptor (version 16) whose 'GrdL'
lists 'Grdn' objects, each holding its gradient under 'Grad' as a PSD's gradient fill
does: its name 'Nm  ', 'GrdF' (custom 'CstS' or noise 'ClNs'), smoothness 'Intr', colour
stops 'Clrs' (colour, 'Type', location, midpoint) and opacity stops 'Trns'; a noise one
its seed, roughness, colour model and bounds. The descriptor is read by psd-tools and each
gradient by `psd_fills.read_gradient` (the one reader of Photoshop's gradient
descriptors). A stop of the foreground or background colour ('Type' 'FrgC' / 'BckC',
which a preset keeps live in Photoshop) comes in as Photoshop's default black or white,
said in a note; a gradient whose colours are in a model we do not read (Lab, a colour
book) is skipped with a note. Photoshop 5's files (version 3, not descriptor-based) are
refused in one line, as is any damaged file. No Qt.
"""
from __future__ import annotations

import io
import struct

from . import preset_file
from .errors import DocumentError
from .adjustments import GradientFill
from .gradient_presets import GradientPreset, applied


def read(path: str) -> tuple[list[GradientPreset], list[str]]:
    """The gradients of the .grd at `path` and notes on what did not come over; a file
    Layered cannot read raises DocumentError (one line: why)."""
    return preset_file.read_photoshop(path, "gradients", parse)


def parse(data: bytes) -> tuple[list[GradientPreset], list[str]]:
    from psd_tools.psd.descriptor import DescriptorBlock

    if len(data) < 10 or data[:4] != b"8BGR":
        raise DocumentError("it is not a Photoshop gradient file")
    version, = struct.unpack(">H", data[4:6])
    if version == 3:
        raise DocumentError("it is a Photoshop 5 gradient file (version 3), which Layered "
                            "does not read; save the gradients again from a newer Photoshop")
    if version != 5:
        raise DocumentError(f"its version {version} is not one Layered reads")
    try:
        desc = DescriptorBlock.read(io.BytesIO(data[6:]))
        items = list(desc[b"GrdL"])
    except Exception as exc:  # psd-tools raises what the bytes make it raise
        raise DocumentError(f"its gradient list is damaged ({type(exc).__name__})") from None
    presets, notes, skipped, live = [], [], 0, 0
    names: set[str] = set()
    for item in items:
        preset, was_live = _gradient(item)
        if preset is None:
            skipped += 1
            continue
        live += was_live
        name, n = preset.name, 2
        while name in names:   # Photoshop allows the same name twice; a preset list does not
            name, n = f"{preset.name} {n}", n + 1
        names.add(name)
        presets.append(GradientPreset(name, preset.gradient))
    if live:
        notes.append(f"{live} gradient(s) had Foreground or Background Color stops: they "
                     "came in as black and white.")
    if skipped:
        notes.append(f"{skipped} gradient(s) were skipped: their colours are in a model "
                     "Layered does not read (Lab, a colour book) or they are damaged.")
    return presets, notes


def _gradient(item) -> tuple:
    """One 'Grdn' entry as a preset (None when it cannot be read), and whether it had a
    foreground or background stop."""
    from psd_tools.psd.descriptor import Descriptor, Double

    from .patterns import display_name
    from .psd_fills import _text, read_gradient

    grad = item.get(b"Grad") if hasattr(item, "get") else None
    if grad is None:
        return None, False
    live = False
    for stop in grad.get(b"Clrs") or ():
        kind = getattr(stop.get(b"Type"), "enum", b"UsrS")
        if kind in (b"FrgC", b"BckC") and b"Clr " not in stop:
            live = True
            colour = Descriptor(classID=b"RGBC")
            for key in (b"Rd  ", b"Grn ", b"Bl  "):
                colour[key] = Double(0.0 if kind == b"FrgC" else 255.0)
            stop[b"Clr "] = colour
    holder = Descriptor(classID=b"GdFl")
    holder[b"Grad"] = grad
    try:
        fill = read_gradient(holder)
    except Exception:  # a damaged entry: skipped, the others kept
        fill = None
    if fill is None:
        return None, live
    name = display_name(_text(grad.get(b"Nm  "))).strip() or "Gradient"
    # (only the gradient: the layout fields stay our defaults, as a preset has none)
    return GradientPreset(name, applied(GradientFill(), GradientPreset(name, fill))), live
