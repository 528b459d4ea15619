"""Smart Filters: Photoshop's filters on a smart object, kept as settings instead of pixels.

A filter from the Filter menu (or Image > Adjustments > Shadows/Highlights, the one
adjustment Photoshop allows as a smart filter; `filter_ops.prepare` refuses the others)
run on a smart object does not change its pixels: it becomes a `SmartFilter` (the operation with its settings, the
Blending Options' mode and opacity, an eye) at the top of the layer's `filters`. The shown
pixels are the contents rendered through the placement (`smart_object.render`), then each
visible filter in order, from the bottom of the list up, each blended over what it
filtered by its mode and opacity (`apply_filters`). So a transform renders the contents
anew and runs the filters again: a smart object scaled to 10 % and back to 100 % shows
the blur of its original pixels, not a blur scaled up.

Every change of the list is one undo step (`SetSmartFilters` swaps the list and the
pixels rendered from it): adding a filter (the filter dialogs' OK, through
`filter_ops.prepare`'s smart target), editing one's settings (`edit_target`: its dialog
over the pixels below it), the eye (`set_visible`), Delete (`delete`) and Clear Smart
Filters (`clear`). Rasterize bakes them (the shown pixels become a plain layer's).

The Smart Filters mask (`filter_mask`, a `LayerMask`: Photoshop adds a white one with
the first filter) limits where the filters act (`masked`, through its density and
feather as a layer mask's); Reveal All and Hide All set it (`set_mask`). It is painted
as a layer mask is, by the same paths (`Document.mask_target` "filter_mask": the Brush,
Eraser, Gradient, Edit > Fill and the filters through `mask_ops.begin_mask_stroke`);
each change shows the pixels anew from the last rendered and filtered pixels (`remask`,
kept on the layer: the filters are not run again for a stroke). Linked to its layer as
Photoshop's is, it moves, flips, turns and transforms with it as a linked layer mask does
(`Document._set_offset`, `linked_masks`); unlinked (the Layers panel's chain, Layer >
Smart Filter > Unlink Filter Mask: `mask_ops.set_mask_attr`), it stays put. Not done: a
selection is not turned into it as Photoshop does when a filter is applied. The filters
are kept in a PSD in our XMP entry (`as_entry`, `from_entry`) and, for the
kinds Photoshop's form is known for, in its 'filterFX' descriptor too (`psd_smart_filters`),
then with the mask in Photoshop's 'FEid' block as well (`psd_filter_mask`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine import compose
from engine.box import Box

from .errors import DocumentError
from .history import Command
from .pixel_filters import Operation

if TYPE_CHECKING:
    from .document import Document
    from .filter_ops import Result, Target
    from .smart_object import SmartObjectLayer


@dataclass(frozen=True)
class SmartFilter:
    """One smart filter: the operation with its settings, and Photoshop's Blending Options
    for it (`mode`, `opacity` 0..1: how the filtered pixels lie over what was filtered)."""

    op: Operation
    mode: str = "normal"
    opacity: float = 1.0
    visible: bool = True

    @property
    def label(self) -> str:
        return self.op.label


@dataclass(frozen=True)
class SmartEdit:
    """What a filter dialog over a smart object makes: `filters` with the dialog's
    operation put at `index` (a new filter: len(filters), the top; an edit: its index)."""

    layer: "SmartObjectLayer"
    filters: tuple
    index: int

    def with_op(self, op: Operation) -> tuple:
        old = self.filters[self.index] if self.index < len(self.filters) else None
        new = SmartFilter(op) if old is None else dataclasses.replace(old, op=op, visible=True)
        return self.filters[:self.index] + (new,) + self.filters[self.index + 1:]


Pixels = tuple[np.ndarray, int, int]  # straight RGBA and its canvas offset


def target_of(layer, pixels: np.ndarray, x: int, y: int, canvas: Box,
              smart: Optional[SmartEdit] = None) -> "Target":
    """A filter target of `pixels` at (x, y) (the whole of them, no selection: a smart
    filter acts on the whole layer), readable within the canvas and themselves."""
    from .filter_ops import Target

    bounds = Box(x, y, pixels.shape[1], pixels.shape[0])
    return Target(layer, pixels, (x, y), canvas.union(bounds), None, None, False, smart=smart)


def finish(target: "Target", result: "Result", smart: SmartFilter) -> Pixels:
    """The pixels of `target` with `result` put over them by the filter's mode and
    opacity, on a box that holds both (a blur spreads beyond the layer)."""
    box = target.bounds().union(result.box)
    old = target.crop(box)
    new = old.copy()
    new[result.box.translate(-box.x, -box.y).slices()] = result.pixels
    if smart.mode == "normal" and smart.opacity >= 1.0:
        return new, box.x, box.y
    backdrop = compose.to_float(old)
    backdrop[..., :3] *= backdrop[..., 3:4]  # premultiplied, as composite_premultiplied takes
    mixed = compose.composite_premultiplied(backdrop, compose.to_float(new), smart.mode,
                                            smart.opacity)
    return compose.to_uint8(compose.unpremultiply(mixed)), box.x, box.y


def apply_filters(pixels: np.ndarray, x: int, y: int, filters, canvas: Box,
                  layer=None) -> Pixels:
    """`pixels` at (x, y) through each visible filter of `filters` in order."""
    from .filter_ops import run

    for smart in filters:
        if not smart.visible or pixels.size == 0:
            continue
        target = target_of(layer, pixels, x, y, canvas)
        pixels, x, y = finish(target, run(target, smart.op), smart)
    return pixels, x, y


def reveals_all(mask) -> bool:
    """Whether a Smart Filters mask lets the filters act everywhere (or there is none)."""
    return mask is None or not mask.enabled or (
        mask.default == 255 and (mask.pixels.size == 0 or int(mask.pixels.min()) == 255))


def masked(base: Pixels, filtered: Pixels, mask) -> Pixels:
    """`filtered` where the Smart Filters mask reveals, `base` where it hides, mixed by its
    grey in between (on premultiplied colour, as a layer mask mixes)."""
    (bp, bx, by), (fp, fx, fy) = base, filtered
    box = Box(bx, by, bp.shape[1], bp.shape[0]).union(Box(fx, fy, fp.shape[1], fp.shape[0]))
    if box.is_empty():
        return filtered

    def premultiplied(pixels, x, y):
        out = np.zeros((box.h, box.w, 4), np.float32)
        out[Box(x, y, pixels.shape[1], pixels.shape[0]).translate(-box.x, -box.y).slices()] = \
            compose.to_float(pixels)
        out[..., :3] *= out[..., 3:4]
        return out

    b, f = premultiplied(bp, bx, by), premultiplied(fp, fx, fy)
    m = compose.to_float(mask.coverage(box))[..., None]  # (its density and feather)
    return compose.to_uint8(compose.unpremultiply(b + (f - b) * m)), box.x, box.y


def shown(layer: "SmartObjectLayer", contents, placement, filters, clip: Optional[Box],
          canvas: Optional[Box], mask=None, use_mask: bool = True) -> Pixels:
    """What a smart object shows: `contents` rendered through `placement`, then `filters`
    (`canvas`: where the filters may read and spread; None with no filters), their effect
    limited by the Smart Filters `mask` (unless not `use_mask`: the filters' own result)."""
    from .smart_object import render

    pixels, x, y = render(contents, placement, clip)
    if not filters or canvas is None:
        return pixels, x, y
    filtered = apply_filters(pixels, x, y, filters, canvas, layer)
    if layer is not None and use_mask:  # what `remask` mixes again when the mask is painted
        # (its own copy of the filtered pixels: a stroke on the mask paints the shown ones)
        layer._filter_parts = ((contents, placement, filters, clip, canvas),
                               (pixels, x, y), (filtered[0].copy(), *filtered[1:]))
    if not use_mask or reveals_all(mask):
        return filtered
    return masked((pixels, x, y), filtered, mask)


def remask(doc: "Document", layer: "SmartObjectLayer", box: Optional[Box]) -> None:
    """The Smart Filters mask of `layer` changed inside canvas `box` (None: anywhere): its
    pixels mixed again from its rendered and filtered pixels (`shown`'s, kept), the filters
    run again only when those are not the current ones' (after a reopen)."""
    from .smart_object import _limit

    clip, canvas = _limit(doc), doc.canvas
    parts = getattr(layer, "_filter_parts", None)
    key = (layer.contents, layer.placement, layer.filters, clip, canvas)
    if parts is None or len(parts[0]) != len(key) or \
            any(a is not b and a != b for a, b in zip(parts[0], key)):
        shown(layer, layer.contents, layer.placement, layer.filters, clip, canvas,
              layer.filter_mask)  # (keeps the parts)
        parts = layer._filter_parts
    _, base, filtered = parts
    mask = layer.filter_mask
    if reveals_all(mask):
        doc._set_pixels(layer, filtered[0].copy(), *filtered[1:])
    elif box is None or layer.bounds() != _union(base, filtered):
        doc._set_pixels(layer, *masked(base, filtered, mask))
    else:  # a stroke: only its box (and its feather's reach) mixed again, in place
        box = box.expand(mask.reach).intersect(layer.bounds())
        if box.is_empty():
            return
        from .commands import tiles_under

        part = masked(_cropped(base, box), _cropped(filtered, box), mask)
        local = box.translate(-layer.x, -layer.y)
        # (a History snapshot sharing the array keeps these tiles as they were)
        doc.snapshots.before_write(layer.pixels, list(tiles_under(local)))
        layer.pixels[local.slices()] = part[0]
        doc._pixels_edited(layer, local)
    doc.node_changed.emit(layer, "mask_pixels")  # (the Layers panel's thumbnail)


def _union(a: Pixels, b: Pixels) -> Box:
    return Box(a[1], a[2], a[0].shape[1], a[0].shape[0]).union(
        Box(b[1], b[2], b[0].shape[1], b[0].shape[0]))


def _cropped(pixels: Pixels, box: Box) -> Pixels:
    """`pixels` inside canvas `box` (transparent where they are not)."""
    p, x, y = pixels
    out = np.zeros((box.h, box.w, 4), np.uint8)
    inter = box.intersect(Box(x, y, p.shape[1], p.shape[0]))
    if not inter.is_empty():
        out[inter.translate(-box.x, -box.y).slices()] = p[inter.translate(-x, -y).slices()]
    return out, box.x, box.y


class SetSmartFilters(Command):
    """Gives a smart object a new list of smart filters, with the pixels rendered from it
    (once, when made, or given: a dialog's preview already computed them)."""

    def __init__(self, doc: "Document", layer: "SmartObjectLayer", filters: tuple, name: str,
                 pixels: Optional[Pixels] = None, mask: object = "same"):
        from .layers import LayerMask
        from .smart_object import _limit

        self.layer, self.name = layer, name
        filters = tuple(filters)
        if isinstance(mask, str):  # the layer's: Photoshop adds a white one with the first
            # filter and takes it off with the last
            mask = None if not filters else layer.filter_mask or LayerMask()
        if pixels is None or not reveals_all(mask):
            pixels = shown(layer, layer.contents, layer.placement, filters, _limit(doc),
                           doc.canvas, mask)
        self._other = (filters, mask, *pixels)

    def _swap(self, doc: "Document") -> None:
        layer = self.layer
        current = (layer.filters, layer.filter_mask, layer.pixels, layer.x, layer.y)
        filters, mask, pixels, x, y = self._other
        layer.filters, layer.filter_mask = filters, mask
        if mask is None and doc.active is layer and doc.mask_target == "filter_mask":
            doc.set_mask_targeted(False)  # (the mask painted on is gone: the pixels again)
        doc._set_pixels(layer, pixels, x, y)
        doc.node_changed.emit(layer, "filters")  # (the Layers panel's rows)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return int(self._other[2].nbytes)


# -- the dialogs' path (filter_ops) ---------------------------------------------------------

def preview(doc: "Document", target: "Target", result: "Result") -> SetSmartFilters:
    """A dialog's result shown on the smart object (applied, not recorded: `keep` records
    it as one step, `take_back` undoes it): the list with the dialog's filter, the pixels
    from `result` and the filters above it."""
    edit, layer = target.smart, target.layer
    if not doc.contains(layer) or layer.filters != edit.filters:
        raise DocumentError(f"Layer '{layer.name}' changed meanwhile; run the "
                            f"{result.op.label} again.")
    filters = edit.with_op(result.op)
    pixels = finish(target, result, filters[edit.index])
    pixels = apply_filters(*pixels, filters[edit.index + 1:], target.extent, layer)
    name = result.op.label if edit.index == len(edit.filters) else f"Edit {result.op.label}"
    command = SetSmartFilters(doc, layer, filters, name, pixels)
    command.redo(doc)
    return command


def edit_target(doc: "Document", layer, index: int) -> "Target":
    """Double-clicking a smart filter: the pixels below it (contents rendered, the filters
    under it run) as the target of its dialog, which puts the new settings in its place."""
    from .smart_object import _limit, check_smart_object

    check_smart_object(doc, layer, "edit a smart filter")
    _check_index(layer, index)
    doc._check_unlocked(layer)
    pixels, x, y = shown(layer, layer.contents, layer.placement, layer.filters[:index],
                         _limit(doc), doc.canvas, use_mask=False)
    return target_of(layer, pixels, x, y, doc.canvas, SmartEdit(layer, layer.filters, index))


def _check_index(layer, index: int) -> None:
    if not 0 <= index < len(getattr(layer, "filters", ())):
        raise DocumentError(f"Layer '{layer.name}' has no such smart filter.")


# -- operations (each one undo step) --------------------------------------------------------

def set_visible(doc: "Document", layer, index: int, visible: bool) -> None:
    """The eye of a smart filter: its effect shown or hidden."""
    _check_index(layer, index)
    filters = layer.filters
    if filters[index].visible == visible:
        return
    new = filters[:index] + (dataclasses.replace(filters[index], visible=visible),) + \
        filters[index + 1:]
    label = filters[index].label
    doc.history.push(SetSmartFilters(doc, layer, new, f"{'Show' if visible else 'Hide'} "
                                                      f"{label}"))


def set_blending(doc: "Document", layer, index: int, mode: str, opacity: float) -> None:
    """A smart filter's Blending Options: its mode and opacity (0..1) over what it filters."""
    from .layers import BLEND_MODES

    _check_index(layer, index)
    if mode not in BLEND_MODES or not 0.0 <= opacity <= 1.0:
        raise DocumentError(f"A smart filter cannot blend by {mode!r} at {opacity:g}.")
    old = layer.filters[index]
    if (old.mode, old.opacity) == (mode, opacity):
        return
    new = layer.filters[:index] + (dataclasses.replace(old, mode=mode, opacity=opacity),) + \
        layer.filters[index + 1:]
    doc.history.push(SetSmartFilters(doc, layer, new, "Smart Filter Blending Options"))


def set_mask(doc: "Document", layer, reveal: bool) -> None:
    """The Smart Filters mask's Reveal All (white: the filters act everywhere) or Hide All
    (black: nowhere), as Layer > Layer Mask's are for a layer mask."""
    from .layers import LayerMask

    if not getattr(layer, "filters", ()):
        raise DocumentError(f"Layer '{layer.name}' has no smart filters.")
    doc._check_unlocked(layer)
    doc.history.push(SetSmartFilters(doc, layer, layer.filters,
                                     f"Filter Mask: {'Reveal' if reveal else 'Hide'} All",
                                     mask=LayerMask(default=255 if reveal else 0)))


def delete(doc: "Document", layer, index: int) -> None:
    """A smart filter's context menu > Delete Smart Filter."""
    _check_index(layer, index)
    doc._check_unlocked(layer)
    new = layer.filters[:index] + layer.filters[index + 1:]
    doc.history.push(SetSmartFilters(doc, layer, new, "Delete Smart Filter"))


def clear(doc: "Document", layer) -> None:
    """Layer > Smart Filter > Clear Smart Filters: every smart filter taken off."""
    from .smart_object import check_smart_object

    check_smart_object(doc, layer, "clear its smart filters")
    if not layer.filters:
        raise DocumentError(f"Layer '{layer.name}' has no smart filters.")
    doc._check_unlocked(layer)
    doc.history.push(SetSmartFilters(doc, layer, (), "Clear Smart Filters"))


# -- our PSD entry -------------------------------------------------------------------------

def as_entry(filters) -> list:
    """The filters as plain values for our XMP entry (those whose settings are not plain
    values, as Displace's map, are left out: the shown pixels still have them)."""
    from .adjustments import KINDS
    from .more_filters import FILTERS
    from .pixel_filters import Adjust

    kinds = {cls: kind for kind, cls in FILTERS.items()}
    adjust_kinds = {cls: kind for kind, cls in KINDS.items()}
    out = []
    for smart in filters:
        op = smart.op
        if isinstance(op, Adjust):
            kind = adjust_kinds.get(type(op.settings))
            settings = _plain(dataclasses.asdict(op.settings)) if kind else None
            entry = {"adjust": kind, "settings": settings, "name": op.name}
        else:
            kind = kinds.get(type(op))
            settings = _plain({f.name: getattr(op, f.name) for f in dataclasses.fields(op)}) \
                if kind and dataclasses.is_dataclass(op) else None
            entry = {"filter": kind, "settings": settings}
        if kind is None or settings is None:
            continue
        out.append(dict(entry, mode=smart.mode, opacity=smart.opacity, visible=smart.visible))
    return out


def _plain(value):
    """`value` as JSON's values, or None when it holds something else (an array)."""
    if isinstance(value, dict):
        items = {k: _plain(v) for k, v in value.items()}
        return None if any(v is None and value[k] is not None for k, v in items.items()) \
            else items
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return None if any(v is None and o is not None for v, o in zip(items, value)) else items
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None


def _tuples(value):
    """JSON's lists back as the tuples frozen settings hold."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def mask_entry(mask) -> dict:
    """The Smart Filters mask as plain values for our XMP entry: its default colour, its
    flags (enabled, linked) and its painted values (zlib-compressed, base64), as a layer mask is kept."""
    import base64
    import zlib

    out = {"default": int(mask.default), "enabled": bool(mask.enabled),
           "linked": bool(mask.linked), "density": int(mask.density), "feather": float(mask.feather)}
    if mask.pixels.size:
        out.update(x=int(mask.x), y=int(mask.y), w=int(mask.pixels.shape[1]),
                   h=int(mask.pixels.shape[0]), values=base64.b64encode(zlib.compress(
                       np.ascontiguousarray(mask.pixels).tobytes(), 6)).decode("ascii"))
    return out


def mask_from_entry(entry, default=255):
    """`mask_entry`'s mask back (an older entry's: `default` alone, Reveal or Hide All)."""
    import base64
    import zlib

    from .layers import LayerMask

    if not isinstance(entry, dict):
        return LayerMask(default=int(default))
    mask = LayerMask(default=int(entry.get("default", default)))
    try:
        if "values" in entry:
            w, h = int(entry["w"]), int(entry["h"])
            values = np.frombuffer(zlib.decompress(base64.b64decode(entry["values"])),
                                   np.uint8).reshape(h, w).copy()
            mask.pixels, mask.x, mask.y = values, int(entry["x"]), int(entry["y"])
        mask.enabled = bool(entry.get("enabled", True))
        mask.linked = bool(entry.get("linked", True))
        mask.density = max(0, min(255, int(entry.get("density", 255))))
        mask.feather = max(0.0, float(entry.get("feather", 0.0)))
    except (KeyError, TypeError, ValueError, zlib.error):
        pass  # (damaged values: the mask's default everywhere)
    return mask


def from_entry(entry) -> tuple:
    """The filters of our XMP entry (`as_entry`'s); those it cannot make are left out."""
    from .adjustments import KINDS
    from .more_filters import FILTERS
    from .pixel_filters import Adjust

    out = []
    for item in entry if isinstance(entry, list) else ():
        try:
            settings = _tuples(item["settings"])
            if item.get("adjust"):
                op = Adjust(KINDS[item["adjust"]](**settings), str(item.get("name") or ""))
            else:
                op = FILTERS[item["filter"]](**settings)
            out.append(SmartFilter(op, str(item.get("mode", "normal")),
                                   float(item.get("opacity", 1.0)),
                                   bool(item.get("visible", True))))
        except (KeyError, TypeError, ValueError):
            continue  # (a filter another version wrote: its pixels are shown as saved)
    return tuple(out)
