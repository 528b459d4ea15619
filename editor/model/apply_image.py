"""Image > Apply Image and Image > Calculations, as Photoshop has them (no Qt here).

A `Source` is a channel of an open document of the same pixel size: the document's
merged image or one of its layers, its RGB, Red, Green, Blue, Transparency (or, for
Calculations, Gray: the luminosity, `channels`' weights), inverted or not.

Apply Image blends a source onto the active layer (or its targeted layer mask) as if
the source were a layer above it in the chosen blend mode: the blend functions are
`engine.compose.blend`'s, plus Photoshop's Add and Subtract with their Scale and
Offset, and the result is put together with the W3C formula
`compose.composite_premultiplied` uses. Opacity, a mask (another source's grey) and
the selection weigh the change; Preserve Transparency keeps the layer's alpha. The
result goes onto the layer through the filters' path (`filter_ops.prepare`, `show`,
`take_back`, `keep`): a dialog previews it on the canvas, OK keeps one undo step.

Calculations blends two sources' grey planes into one: a new alpha channel, a new
(grey-looking RGB) document, or the selection (`selection_ops.select_mask`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine import compose
from engine.box import Box

from . import commands as cmds
from . import filter_ops
from .channels import _LUMINOSITY, AlphaChannel, next_channel_name
from .document import Document
from .errors import DocumentError
from .layers import Layer
from .render import composite_document
from .selection_ops import select_mask

CHANNELS = ("RGB", "Red", "Green", "Blue", "Transparency")
GREY_CHANNELS = ("Gray", "Red", "Green", "Blue", "Transparency")  # Calculations' choices
# Photoshop's Blending list: the editor's blend modes (not Dissolve, a layer's pattern, nor
# Linear Dodge and the layers' Subtract: Add and Subtract at Scale 1, Offset 0 are they)
# and Add / Subtract with Scale and Offset.
BLENDINGS = tuple(m for m in compose.BLEND_MODES
                  if m not in ("dissolve", "linear_dodge", "subtract")) + ("add", "subtract")
RESULTS = ("channel", "document", "selection")


@dataclass(frozen=True)
class Source:
    """A channel of a document: `layer` None is the merged image."""
    doc: Document
    layer: Optional[Layer] = None
    channel: str = "RGB"
    invert: bool = False


def _on_canvas(doc: Document, layer: Optional[Layer]) -> np.ndarray:
    """The merged image, or `layer`'s pixels placed on the canvas (transparent beyond)."""
    if layer is None:
        return composite_document(doc)
    out = np.zeros((doc.height, doc.width, 4), np.uint8)
    box = Box(layer.x, layer.y, layer.pixels.shape[1], layer.pixels.shape[0])
    inter = box.intersect(doc.canvas)
    if not inter.is_empty():
        out[inter.slices()] = layer.pixels[inter.translate(-layer.x, -layer.y).slices()]
    return out


def check_size(doc: Document, source: Source) -> None:
    """Photoshop offers only documents of the target's pixel size: one line otherwise."""
    if (source.doc.width, source.doc.height) != (doc.width, doc.height):
        raise DocumentError(f"The source is {source.doc.width} x {source.doc.height} pixels: "
                            f"it must be {doc.width} x {doc.height}, as this document.")


def source_colour(source: Source) -> tuple[np.ndarray, np.ndarray]:
    """The source as straight float colour (H, W, 3) and its alpha (H, W), 0..1. A single
    channel is grey; Transparency is the alpha as grey, opaque."""
    rgba = compose.to_float(_on_canvas(source.doc, source.layer))
    alpha = rgba[..., 3]
    if source.channel == "RGB":
        colour = rgba[..., :3]
    elif source.channel == "Transparency":
        colour, alpha = np.repeat(alpha[..., None], 3, -1), np.ones_like(alpha)
    elif source.channel == "Gray":
        colour = np.repeat((rgba[..., :3] @ np.asarray(_LUMINOSITY, np.float32))[..., None], 3, -1)
    else:
        i = ("Red", "Green", "Blue").index(source.channel)
        colour = np.repeat(rgba[..., i:i + 1], 3, -1)
    if source.invert:
        colour = 1.0 - colour
    return np.ascontiguousarray(colour, np.float32), alpha


def grey_plane(source: Source) -> np.ndarray:
    """A source as one float plane 0..1: its channel over black where it is transparent (as
    the Channels panel's Ctrl+click reads a colour channel), inverted after."""
    plain = Source(source.doc, source.layer, source.channel, False)
    colour, alpha = source_colour(plain)
    values = colour[..., 0] * (alpha if source.channel != "Transparency" else 1.0)
    return 1.0 - values if source.invert else values


def blend(mode: str, cb: np.ndarray, cs: np.ndarray, scale: float = 1.0,
          offset: int = 0) -> np.ndarray:
    """B(cb, cs) on float colours 0..1, clipped: `compose.blend`'s modes, and Photoshop's Add
    ((cb + cs) / scale + offset) and Subtract ((cb - cs) / scale + offset), offset in levels."""
    if mode == "add":
        out = (cb + cs) / np.float32(scale) + np.float32(offset / 255)
    elif mode == "subtract":
        out = (cb - cs) / np.float32(scale) + np.float32(offset / 255)
    else:
        out = compose.blend(mode, cb, cs)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class Settings:
    """Apply Image's dialog."""
    source: Source
    mode: str = "multiply"
    opacity: float = 1.0           # 0..1
    preserve_transparency: bool = False
    mask: Optional[Source] = None
    scale: float = 1.0             # Add / Subtract
    offset: int = 0


class ApplyImageOp:
    """What `filter_ops.show`/`keep` need of an operation: its label (the undo step). It is
    not a "filter" step for the Actions panel (`operation_settings` gives None): actions
    record Apply Image as `replay`'s "apply_image" (`plain_settings`)."""
    label = "Apply Image"


def _check(doc: Document, settings: Settings) -> None:
    if settings.mode not in BLENDINGS:
        raise ValueError(f"unknown blending {settings.mode!r}")
    if settings.mode in ("add", "subtract") and not 1.0 <= settings.scale <= 2.0:
        raise DocumentError("Scale must be between 1 and 2.")
    check_size(doc, settings.source)
    if settings.mask is not None:
        check_size(doc, settings.mask)


def prepare(doc: Document) -> filter_ops.Target:
    """The active layer (or its targeted mask) ready for Apply Image, or one line why not."""
    return filter_ops.prepare(doc, doc.active, "apply an image to", smart=False)


def run(doc: Document, target: filter_ops.Target, settings: Settings) -> filter_ops.Result:
    """The new pixels of the canvas (inside the selection's box) for `settings`."""
    _check(doc, settings)
    box = doc.canvas if target.selected is None else doc.canvas.intersect(target.selected)
    old = target.crop(box)
    backdrop = compose.to_float(old)
    cb, ab = backdrop[..., :3], backdrop[..., 3:4]
    colour, alpha = source_colour(settings.source)
    cs = colour[box.slices()]
    a_s = alpha[box.slices()] * np.float32(settings.opacity)
    if settings.mask is not None:
        a_s = a_s * grey_plane(settings.mask)[box.slices()]
    if target.selection is not None:
        a_s = a_s * (target.selection[box.slices()].astype(np.float32) / 255)
    a_s = a_s[..., None]
    mixed = blend(settings.mode, cb, cs, settings.scale, settings.offset)
    if settings.preserve_transparency or target.keeps_alpha or target.on_mask:
        # Where the layer is: the blend mixed in by the source's weight; its alpha stays.
        out = np.concatenate([cb * (1 - a_s) + mixed * a_s, ab], -1)
    else:
        # compose.composite_premultiplied's formula: the source as a layer above this one.
        co = cs * a_s * (1 - ab) + cb * ab * (1 - a_s) + a_s * ab * mixed
        ao = a_s + ab * (1 - a_s)
        with np.errstate(divide="ignore", invalid="ignore"):
            straight = np.where(ao > 0, co / np.maximum(ao, 1e-12), cb)
        out = np.concatenate([straight, ao], -1)
    pixels = compose.to_uint8(out)
    hidden = pixels[..., 3] == 0  # what stays transparent keeps its colour
    pixels[hidden] = old[hidden]
    return filter_ops.Result(box, pixels, ApplyImageOp())


def apply_image(doc: Document, settings: Settings) -> None:
    """Image > Apply Image on the active layer (or its targeted mask): one undo step."""
    target = prepare(doc)
    filter_ops.keep(doc, filter_ops.show(doc, target, run(doc, target, settings)))


# -- as the Actions panel records them (`replay`'s "apply_image" and "calculations") ---------
def plain_source(doc: Document, source: Optional[Source]):
    """A source in `doc` itself as JSON settings (its layer by name), or None where it
    cannot be played again: another document's, or a layer whose name is not unique."""
    if source is None:
        return None
    if source.doc is not doc:
        return None
    name = None
    if source.layer is not None:
        name = source.layer.name
        if sum(1 for n in doc.layers() if n.name == name) != 1:
            return None
    return {"layer": name, "channel": source.channel, "invert": source.invert}


def source_of(doc: Document, plain: Optional[dict]) -> Optional[Source]:
    """`plain_source`'s settings as a source in `doc` (one line where the layer is gone)."""
    if plain is None:
        return None
    layer, name = None, plain.get("layer")
    if name is not None:
        layer = next((n for n in doc.layers() if n.name == name), None)
        if layer is None:
            raise DocumentError(f"There is no layer '{name}' to take the image from.")
    return Source(doc, layer, str(plain.get("channel", "RGB")), bool(plain.get("invert")))


def plain_settings(doc: Document, settings) -> Optional[dict]:
    """Apply Image's `Settings` or a `Calculation` as JSON settings, or None when a source
    is another document's (Photoshop's actions name documents; the editor's do not)."""
    sources = {k: getattr(settings, k) for k in ("source", "source1", "source2", "mask")
               if hasattr(settings, k)}
    plain = {k: plain_source(doc, v) for k, v in sources.items()}
    if any(plain[k] is None and sources[k] is not None for k in plain):
        return None
    plain.update(mode=settings.mode, opacity=settings.opacity, scale=settings.scale,
                 offset=settings.offset)
    if isinstance(settings, Settings):
        plain["preserve_transparency"] = settings.preserve_transparency
    return plain


# -- Calculations ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Calculation:
    """Calculations' dialog: two sources, their blending, opacity and mask."""
    source1: Source
    source2: Source
    mode: str = "multiply"
    opacity: float = 1.0
    mask: Optional[Source] = None
    scale: float = 1.0
    offset: int = 0


def calculate(doc: Document, calc: Calculation) -> np.ndarray:
    """The result as a canvas-sized uint8 plane: Source 1 blended onto Source 2 (Photoshop's
    order: Source 1 is the blend layer, Source 2 the backdrop), weighed by opacity and mask."""
    for source in (calc.source1, calc.source2) + ((calc.mask,) if calc.mask else ()):
        check_size(doc, source)
    if calc.mode not in BLENDINGS:
        raise ValueError(f"unknown blending {calc.mode!r}")
    cs, cb = grey_plane(calc.source1), grey_plane(calc.source2)
    # (as colour: Hue to Luminosity mix three channels)
    mixed = blend(calc.mode, np.repeat(cb[..., None], 3, -1), np.repeat(cs[..., None], 3, -1),
                  calc.scale, calc.offset)[..., 0]
    weight = np.float32(calc.opacity)
    if calc.mask is not None:
        weight = weight * grey_plane(calc.mask)
    return compose.to_uint8(cb * (1 - weight) + mixed * weight)


def calculations(doc: Document, calc: Calculation, result: str = "channel") -> Optional[Document]:
    """Image > Calculations: the result as a new alpha channel of `doc` or the selection (one
    undo step each), or a new document returned (the caller opens it in a tab)."""
    if result not in RESULTS:
        raise ValueError(f"unknown result {result!r}")
    values = calculate(doc, calc)
    if result == "channel":
        channel = AlphaChannel(next_channel_name(doc), values)
        doc.history.push(cmds.SetChannels((*doc.channels, channel), "Calculations"))
        return None
    if result == "selection":
        select_mask(doc, values, "replace", "Calculations")
        return None
    new = Document(doc.width, doc.height)
    rgba = np.empty((doc.height, doc.width, 4), np.uint8)
    rgba[..., :3] = values[..., None]
    rgba[..., 3] = 255
    new.add_image(rgba, "Background", 0, 0)
    new.history.clear()  # (as Image > Duplicate's: the starting state is not a step)
    return new
