"""The document's alpha channels, as Photoshop's Channels panel keeps them: saved
selections, each a name and a canvas-sized uint8 array (255 = selected), listed under the
colour channels. The operations, each one undo step (`commands.SetChannels` swaps the
whole, immutable tuple): Select > Save Selection (a new channel, or the selection
replacing, added to, subtracted from or intersected with a channel's values), Select >
Load Selection (a channel, inverted or not, replacing or combined with the selection:
`selection_ops.select_mask`, the path every selection takes), New, Duplicate, Rename and
Delete Channel. The Image menu's operations send the channels through the same change as
the canvas (`map_channels`, called from `image_ops`).

Only selections are kept here: a channel's pixels are not shown or painted on their own.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from . import commands as cmds
from .color_modes import CHANNEL_NAMES, lab8_pixels
from .document import Document, copy_name
from .errors import DocumentError
from .mask_ops import SELECTION_STEP_NAMES
from .render import composite_document
from .selection_ops import combine, current_mask, select_mask

_uids = itertools.count(1)
# Save Selection's operations on an existing channel (Photoshop's dialog's Operation),
# and the undo step of each.
SAVE_OPS = ("replace", "add", "subtract", "intersect")
SAVE_STEP_NAMES = {"new": "Save Selection", "replace": "Save Selection",
                   "add": "Add Selection to Channel", "subtract": "Subtract Selection from Channel",
                   "intersect": "Intersect Selection with Channel"}


@dataclass(frozen=True)
class AlphaChannel:
    """An alpha channel: its name, its values (the canvas's size, read-only: a change makes
    a new channel) and a `uid` its renamed and changed copies keep."""

    name: str
    pixels: np.ndarray = field(compare=False, repr=False)
    uid: int = field(default_factory=lambda: next(_uids))

    def __post_init__(self):
        pixels = np.ascontiguousarray(self.pixels, np.uint8)
        if pixels.ndim != 2:
            raise ValueError("an alpha channel is one plane of values")
        pixels.flags.writeable = False  # shared by undo steps and snapshots
        object.__setattr__(self, "pixels", pixels)

    def replaced(self, **changes) -> "AlphaChannel":
        return dataclasses.replace(self, **changes)


# -- reading -------------------------------------------------------------------------------
def find(doc: Document, uid) -> Optional[AlphaChannel]:
    return next((c for c in doc.channels if c.uid == uid), None)


def _require(doc: Document, uid) -> AlphaChannel:
    channel = find(doc, uid)
    if channel is None:
        raise DocumentError("Choose an alpha channel in the Channels panel first.")
    return channel


def next_channel_name(doc: Document) -> str:
    """"Alpha 1", then one more than the highest "Alpha N" (as Photoshop names them)."""
    numbers = [int(c.name[6:]) for c in doc.channels
               if c.name.startswith("Alpha ") and c.name[6:].isdigit()]
    return f"Alpha {max(numbers, default=0) + 1}"


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise DocumentError("A channel needs a name.")
    return name


def _push(doc: Document, channels, name: str) -> None:
    doc.history.push(cmds.SetChannels(tuple(channels), name))


def _swapped(doc: Document, new: AlphaChannel) -> list[AlphaChannel]:
    return [new if c.uid == new.uid else c for c in doc.channels]


def _selection(doc: Document) -> np.ndarray:
    mask = current_mask(doc)
    if mask is None:
        raise DocumentError("Select something first: Save Selection keeps the selection.")
    return mask


# -- Save Selection / Load Selection ---------------------------------------------------------
def save_selection(doc: Document, uid=None, op: str = "new",
                   name: Optional[str] = None) -> AlphaChannel:
    """Select > Save Selection: `op` "new" keeps the selection as a new channel (`name`, or
    the next "Alpha N"); otherwise the selection replaces, is added to, subtracted from or
    intersected with channel `uid`'s values (`selection_ops.combine`, as selections are)."""
    mask = _selection(doc)
    if op == "new":
        channel = AlphaChannel(_name(name) if name is not None else next_channel_name(doc), mask)
        _push(doc, [*doc.channels, channel], SAVE_STEP_NAMES["new"])
        return channel
    if op not in SAVE_OPS:
        raise ValueError(f"unknown channel operation {op!r}")
    old = _require(doc, uid)
    channel = old.replaced(pixels=combine(np.array(old.pixels), mask, op))
    _push(doc, _swapped(doc, channel), SAVE_STEP_NAMES[op])
    return channel


def load_selection(doc: Document, uid, op: str = "replace", invert: bool = False) -> None:
    """Select > Load Selection (and Ctrl+click on a channel's thumbnail): the channel's
    values (inverted or not) become the selection, or are combined with it."""
    values = _require(doc, uid).pixels
    mask = 255 - values if invert else np.array(values)
    select_mask(doc, mask, op, SELECTION_STEP_NAMES[op].format("Channel"))


# The colour channels the panel lists above the alpha channels; Ctrl+click on one loads
# its values as the selection (RGB: the luminosity, Photoshop's weights). A Lab document
# lists Lab, Lightness, a and b instead (Lab: its Lightness).
COLOUR_CHANNELS = ("RGB", "Red", "Green", "Blue")
_LUMINOSITY = (0.30, 0.59, 0.11)


def colour_channels(doc: Document) -> tuple:
    """The colour channels of `doc`'s mode, the composite first."""
    return CHANNEL_NAMES.get(doc.color_mode, COLOUR_CHANNELS)


def is_colour(key) -> bool:
    """Whether a Channels panel key names a colour channel (not an alpha channel's uid)."""
    return key in COLOUR_CHANNELS or key in CHANNEL_NAMES["lab"]


def colour_values(doc: Document, which: str) -> np.ndarray:
    """The composite's values in colour channel `which` (one of `colour_channels(doc)`),
    over black where the image is transparent, as a canvas-sized uint8 plane."""
    rgba = composite_document(doc)
    alpha = rgba[..., 3:4].astype(np.float32) / 255
    rgb = rgba[..., :3].astype(np.float32) * alpha
    if which in CHANNEL_NAMES["lab"]:
        lab = lab8_pixels(np.clip(np.round(rgb), 0, 255).astype(np.uint8))
        return lab[..., max(0, CHANNEL_NAMES["lab"].index(which) - 1)]
    if which == "RGB":
        values = rgb @ np.asarray(_LUMINOSITY, np.float32)
    else:
        values = rgb[..., COLOUR_CHANNELS.index(which) - 1]
    return np.clip(np.round(values), 0, 255).astype(np.uint8)


def load_colour_selection(doc: Document, which: str, op: str = "replace") -> None:
    """Ctrl+click on a colour channel's thumbnail: its values as the selection."""
    select_mask(doc, colour_values(doc, which), op, SELECTION_STEP_NAMES[op].format("Channel"))


# -- the panel's commands ------------------------------------------------------------------
def new_channel(doc: Document, name: Optional[str] = None) -> AlphaChannel:
    """New Channel: an empty (black: nothing selected) channel."""
    channel = AlphaChannel(_name(name) if name is not None else next_channel_name(doc),
                           np.zeros((doc.height, doc.width), np.uint8))
    _push(doc, [*doc.channels, channel], "New Channel")
    return channel


def duplicate_channel(doc: Document, uid) -> AlphaChannel:
    """Duplicate Channel: a copy ("<name> copy") right above it, sharing its values."""
    old = _require(doc, uid)
    copy = AlphaChannel(copy_name(old.name, {c.name for c in doc.channels}), old.pixels)
    at = doc.channels.index(old) + 1
    _push(doc, [*doc.channels[:at], copy, *doc.channels[at:]], "Duplicate Channel")
    return copy


def rename_channel(doc: Document, uid, name: str) -> None:
    old = _require(doc, uid)
    name = _name(name)
    if name != old.name:
        _push(doc, _swapped(doc, old.replaced(name=name)), "Channel Name")


def delete_channel(doc: Document, uid) -> None:
    _require(doc, uid)
    _push(doc, [c for c in doc.channels if c.uid != uid], "Delete Channel")


# -- the Image menu's changes ----------------------------------------------------------------
def map_channels(doc: Document, change: Callable[[np.ndarray], np.ndarray], name: str) -> None:
    """Every channel's values through `change` (the canvas's values -> the new canvas's), one
    command in the Image menu operation's macro (Canvas Size, Crop, Image Size, Rotate,
    Flip), as the layer masks follow them."""
    if doc.channels:
        _push(doc, [c.replaced(pixels=change(c.pixels)) for c in doc.channels], name)
