"""The document's alpha channels in a PSD file, as Photoshop keeps them: extra planes of
the merged image data after the colour channels (and after the merged transparency, the
first extra plane when the layer count is negative), each named in image resources 1006
(MacRoman Pascal strings) and 1045 (Unicode), with an id in 1053 and its display colour
in 1077. Photoshop lists the transparency plane in those resources too, first, named
"Transparency" with id 0: GIMP skips that first name when the file has transparency, so
we write it the same way.

Spot colour channels (1077 says SPOT) are inks, not selections: they are left out on
reading, with a warning, as are the extra channels of modes other than RGB and Greyscale.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .document import Document

TRANSPARENCY = "Transparency"
FIRST_ID = 10  # ids Photoshop gives its alpha channels start above its own (0: transparency)
# 1077 entries as Photoshop writes them: (colour space RGB, red, ..., opacity %, mode 1
# "colour indicates masked areas").
_TRANSPARENCY_DISPLAY = (0, 65535, 0, 0, 0, 100, 1)
_ALPHA_DISPLAY = (0, 65535, 0, 0, 0, 50, 1)
_COLOUR_PLANES = {1: 1, 3: 3}  # colour mode (Greyscale, RGB) -> colour planes


def channel_resources(doc: Document) -> list:
    """The image resources naming `doc`'s alpha channels (none without channels): the
    writer's merged image holds R, G, B, transparency, then the channels in order."""
    if not doc.channels:
        return []
    from psd_tools.constants import Resource
    from psd_tools.psd.image_resources import (AlphaChannel, AlphaIdentifiers, AlphaNamesPascal,
                                               AlphaNamesUnicode, DisplayInfo, ImageResource)

    names = [TRANSPARENCY, *(c.name for c in doc.channels)]
    ids = [0, *range(FIRST_ID, FIRST_ID + len(doc.channels))]
    display = DisplayInfo(version=1, alpha_channels=[AlphaChannel(*_TRANSPARENCY_DISPLAY)] + [
        AlphaChannel(*_ALPHA_DISPLAY) for _ in doc.channels])
    pascal = [n.encode("macroman", "replace")[:255].decode("macroman") for n in names]
    return [ImageResource(key=Resource.ALPHA_NAMES_PASCAL, data=AlphaNamesPascal(pascal)),
            ImageResource(key=Resource.ALPHA_NAMES_UNICODE, data=AlphaNamesUnicode(names)),
            ImageResource(key=Resource.ALPHA_IDENTIFIERS, data=AlphaIdentifiers(ids)),
            ImageResource(key=Resource.DISPLAY_INFO, data=display)]


def read_channels(psd, record, load_merged: Callable[[], None], warn) -> list:
    """The alpha channels (`channels.AlphaChannel`) of psd-tools' `psd`, made from its
    low-level `record` (`psd_source._Source.read_structure`'s: `load_merged` reads the merged
    image data from the file, only when there are channels to take from it)."""
    from psd_tools.api.utils import get_transparency_index
    from psd_tools.constants import AlphaChannelMode, Resource

    from .channels import AlphaChannel

    header = record.header
    mode = int(header.color_mode)
    resources = psd.image_resources
    names = [str(n).rstrip("\0") for n in resources.get_data(Resource.ALPHA_NAMES_UNICODE) or []] \
        or [_pascal_name(str(n)) for n in resources.get_data(Resource.ALPHA_NAMES_PASCAL) or []]
    if mode not in _COLOUR_PLANES:
        colour = {4: 4, 9: 3}.get(mode)
        if colour is not None and header.channels > colour + 1:
            warn("its alpha channels were left out (they are read from RGB and Greyscale "
                 "files only)")
        return []
    base = _COLOUR_PLANES[mode]
    transparency = get_transparency_index(psd)
    planes = [i for i in range(base, header.channels) if i != transparency]
    if not planes:
        return []
    # The names, ids and display entries list every extra plane (the transparency too,
    # when Photoshop names it); a file naming fewer names its last planes.
    extra = header.channels - base
    display = resources.get_data(Resource.DISPLAY_INFO)
    kinds = [a.mode for a in display.alpha_channels] if display is not None else []

    def entry(seq, plane):
        at = plane - base - (extra - len(seq))
        return seq[at] if 0 <= at < len(seq) else None

    try:
        load_merged()
        data = record.image_data.get_data(header)
    except Exception as exc:  # (a merged image cut short: the layers are still good)
        warn(f"its alpha channels could not be read ({type(exc).__name__})")
        return []
    out, spots = [], 0
    for number, plane in enumerate(planes, 1):
        if entry(kinds, plane) == AlphaChannelMode.SPOT:
            spots += 1
            continue
        values = _plane_values(data[plane], header)
        name = entry(names, plane) or f"Alpha {number}"
        out.append(AlphaChannel(name, values))
    if spots:
        warn(f"{spots} spot colour channel(s) were left out (inks, not selections)")
    return out


def _pascal_name(name: str) -> str:
    """A 1006 name as psd-tools read it (MacRoman); GIMP writes UTF-8 bytes there (and no
    1045), which read as MacRoman come out garbled: those are decoded as UTF-8 again."""
    try:
        return name.encode("macroman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def _plane_values(raw: bytes, header) -> np.ndarray:
    """One plane of the merged image as uint8 values (16- and 32-bit files scaled)."""
    h, w = header.height, header.width
    if header.depth == 8:
        return np.frombuffer(raw, np.uint8).reshape(h, w)
    if header.depth == 16:
        return (np.frombuffer(raw, ">u2").reshape(h, w) >> 8).astype(np.uint8)
    if header.depth == 32:
        values = np.frombuffer(raw, ">f4").reshape(h, w)
        return np.clip(np.round(values * 255), 0, 255).astype(np.uint8)
    bits = np.unpackbits(np.frombuffer(raw, np.uint8)).reshape(h, -1)[:, :w]
    return np.where(bits, 0, 255).astype(np.uint8)  # (1-bit: 1 is black)
