"""Smart objects (Photoshop's non-destructive way to transform a layer).

A `SmartObjectLayer` keeps its `contents` (`SmartContents`: the full-resolution straight
RGBA pixels of the embedded image, and the file they came from) and its `placement`: the
four canvas points (top-left, top-right, bottom-right, bottom-left) the contents'
corners are drawn at, Photoshop's 'Trnf' quad. Its shown pixels are an ordinary layer's
pixels at an offset, rendered from the contents through the placement by the resampling
Free Transform uses (`resample.py`; `render`), so everything that reads layers
(compositing, masks, effects, the PSD's pixel channels, moving) takes it as a pixel
layer. Moving it moves its placement along (`Document._set_offset`).

Painting on it is refused in one line (its `derived`, as a type layer's:
`document.raise_if_derived`) until Layer > Rasterize > Smart Object (`rasterize`) makes
it a plain layer; a filter or an adjustment on it becomes a smart filter (`filters`,
`smart_filters.py`), run again on the rendered contents after each change, baked by
Rasterize. Free Transform, the flips and the quarter turns change only its
placement and render it anew from the contents (`set_placement`), so a layer scaled down
and back up again is what it was: nothing is lost between transforms.

Each change is one undo step (`SetSmartObject` swaps contents, placement and the pixels
rendered from them, drawn once when the step is made): Convert to Smart Object
(`convert`), Rasterize, a new placement (`set_placement`), Replace Contents, and Edit
Contents (`contents_document` opens the contents as a document of their own;
`save_contents` puts that document back in the smart object). Layers that share contents
(a duplicate) take new contents together, as Photoshop's linked instances do. A PSD keeps
smart objects as Photoshop does (`psd_smart.py`). Linked smart objects, whose contents are
read from a file outside the document (`SmartContents.link`), are `linked.py`'s.
"""
from __future__ import annotations

import io
import math
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box, opaque_bounds

from . import commands as cmds
from .errors import DocumentError
from .history import Command, Macro
from .layers import NO_LOCKS, Layer, check_pixels
from .resample import perspective_pixels, transform_pixels

if TYPE_CHECKING:
    from .document import Document

# Four canvas points: the contents' top-left, top-right, bottom-right, bottom-left corners.
Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, eq=False)
class SmartContents:
    """What a smart object holds: its straight RGBA pixels at full resolution, the name of
    the file they came from, and the file itself as embedded in a PSD (`data`, its
    `filetype` Photoshop's 4-letter code lowercased: "png", "jpg", "8bps"), kept so that a
    PSD's smart object is written back as it was read; `encoded()` makes a PNG of the
    pixels for contents without a file. `uid` links the layers that share these contents
    to the embedded file (a PSD's 'Idnt' and its 'lnk2' entry). `stack_mode` (a key of
    `stack_modes.MODES`): an image stack's statistic, which the pixels then show instead
    of the embedded document's composite (Layer > Smart Objects > Stack Mode). `link`: the
    absolute path of the file a linked smart object (File > Place Linked…, `linked.py`)
    reads its contents from, None when embedded; `modified`: that file's modification time
    when it was read (None: not known to match the file, so Update Modified Content reads
    it again). Immutable: replaced, never changed."""

    pixels: np.ndarray = field(repr=False)
    filename: str = "Contents.png"
    data: Optional[bytes] = field(default=None, repr=False)
    filetype: str = "png"
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    stack_mode: str = "none"
    link: Optional[str] = None
    modified: Optional[float] = None

    def __post_init__(self):
        pixels = check_pixels(self.pixels)
        pixels.setflags(write=False)  # shared by copies of the layer: never painted on
        object.__setattr__(self, "pixels", pixels)

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def height(self) -> int:
        return self.pixels.shape[0]

    def encoded(self) -> tuple[bytes, str]:
        """The embedded file (bytes, file type): the one read, or a PNG of the pixels."""
        if self.data is not None:
            return self.data, self.filetype
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(self.pixels), "RGBA").save(out, "PNG")
        data = out.getvalue()
        object.__setattr__(self, "data", data)  # (made once: it stands for the pixels)
        object.__setattr__(self, "filetype", "png")
        return data, "png"


def rect_quad(x: float, y: float, w: float, h: float) -> Quad:
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


def quad_matrix(quad: Quad, width: int, height: int) -> np.ndarray:
    """The 3x3 projective map (column vectors) of the contents' rectangle (0, 0, width,
    height) onto `quad`."""
    # (solved in float64: OpenCV's getPerspectiveTransform works in float32)
    a, b = [], []
    for (u, v), (x, y) in zip(rect_quad(0, 0, width, height), quad):
        a.append([u, v, 1, 0, 0, 0, -u * x, -v * x])
        b.append(x)
        a.append([0, 0, 0, u, v, 1, -u * y, -v * y])
        b.append(y)
    try:
        h = np.linalg.solve(np.array(a), np.array(b))
    except np.linalg.LinAlgError:
        raise DocumentError("These corners make no picture: the smart object cannot be "
                            "placed so.") from None
    return np.append(h, 1.0).reshape(3, 3)


def affine_of(quad: Quad, width: int, height: int) -> Optional[tuple]:
    """The affine map (a, b, c, d, e, f) of the contents onto `quad` when the quad is a
    parallelogram (scaled, turned, skewed, flipped), else None (distorted)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    size = max(1.0, abs(x2 - x0) + abs(y2 - y0))
    if abs(x0 + x2 - x1 - x3) > 1e-6 * size or abs(y0 + y2 - y1 - y3) > 1e-6 * size:
        return None
    return ((x1 - x0) / width, (x3 - x0) / height, x0, (y1 - y0) / width, (y3 - y0) / height, y0)


def render(contents: SmartContents, quad: Quad, clip: Optional[Box] = None
           ) -> tuple[np.ndarray, int, int]:
    """The pixels `contents` show through `quad` and their canvas offset: Free Transform's
    resampling (`transform_pixels` for a parallelogram, `perspective_pixels` for a
    distorted quad), the contents themselves when the quad is their own rectangle on whole
    pixels. `clip` bounds the result (a canvas box) as Free Transform's does."""
    w, h = contents.width, contents.height
    if w == 0 or h == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    x, y = quad[0]
    if float(x).is_integer() and float(y).is_integer() and quad == rect_quad(x, y, w, h) and (
            clip is None or _contains(clip, Box(int(x), int(y), w, h))):
        return np.array(contents.pixels), int(x), int(y)
    affine = affine_of(quad, w, h)
    if affine is not None:
        return transform_pixels(contents.pixels, affine, clip)
    try:
        return perspective_pixels(contents.pixels, quad_matrix(quad, w, h), clip)
    except ValueError as exc:
        raise DocumentError(f"The smart object cannot be placed so: {exc}.") from None


def _contains(box: Box, inner: Box) -> bool:
    return box.intersect(inner) == inner


class SmartObjectLayer(Layer):
    """A smart object: `contents` drawn through `placement` (see the module's notes)."""

    kind = "smartobject"
    # Painting and filters need its pixels made plain first (document.raise_if_derived);
    # transforms change its placement instead (`transforms_placement`).
    derived = "smart object"
    derived_hint = "Layer > Rasterize > Smart Object"
    transforms_placement = True

    def __init__(self, name: str, contents: SmartContents, placement: Quad,
                 pixels: Optional[np.ndarray] = None, x: int = 0, y: int = 0, **kwargs):
        super().__init__(name, pixels, x, y, **kwargs)
        self.contents = contents
        self.placement = tuple((float(px), float(py)) for px, py in placement)
        self.filters: tuple = ()  # its smart filters, bottom first (`smart_filters.py`)
        self.filter_mask = None   # their Smart Filters mask (a LayerMask), with filters

    @classmethod
    def placed(cls, name: str, contents: SmartContents, placement: Quad,
               clip: Optional[Box] = None, **kwargs) -> "SmartObjectLayer":
        """A new smart object with its pixels rendered."""
        pixels, x, y = render(contents, placement, clip)
        return cls(name, contents, placement, pixels, x, y, **kwargs)

    def moved_placement(self, dx: float, dy: float) -> Quad:
        return tuple((x + dx, y + dy) for x, y in self.placement)

    def copy(self, name: Optional[str] = None, share: bool = False) -> "SmartObjectLayer":
        # (the contents are immutable: copies share them, as Photoshop's duplicated smart
        # objects share theirs)
        return self._copy_extras(SmartObjectLayer(
            name or self.name, self.contents, self.placement,
            self.pixels if share else self.pixels.copy(), self.x, self.y, visible=self.visible,
            opacity=self.opacity, blend_mode=self.blend_mode, locked=self.locked,
            recipe=self.recipe, source_kind=self.source_kind), share)._with_filters(self)

    def _with_filters(self, other: "SmartObjectLayer") -> "SmartObjectLayer":
        self.filters = other.filters  # (immutable: shared)
        self.filter_mask = other.filter_mask.copy() if other.filter_mask is not None else None
        return self


# Rendering is bounded as Free Transform's is: a canvas' width and height around it.
def _limit(doc: "Document") -> Box:
    return doc.canvas.expand(doc.width, doc.height)


class SetSmartObject(Command):
    """Gives a smart object new contents and placement, with the pixels rendered from them
    (rendered once, when made; undo and redo swap)."""

    def __init__(self, layer: SmartObjectLayer, contents: SmartContents, placement: Quad,
                 clip: Optional[Box], name: str, canvas: Optional[Box] = None):
        from .smart_filters import shown

        self.layer, self.name = layer, name
        placement = tuple((float(x), float(y)) for x, y in placement)
        # The contents rendered anew, then its smart filters run again on them (`canvas`:
        # where they may read and spread): a transform never scales filtered pixels.
        pixels, x, y = shown(layer, contents, placement, layer.filters, clip, canvas,
                             layer.filter_mask)
        self._other = (contents, placement, pixels, x, y)

    def _swap(self, doc: "Document") -> None:
        layer = self.layer
        current = (layer.contents, layer.placement, layer.pixels, layer.x, layer.y)
        contents, placement, pixels, x, y = self._other
        layer.contents, layer.placement = contents, placement
        doc._set_pixels(layer, pixels, x, y)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return int(self._other[2].nbytes)

    def is_noop(self) -> bool:
        layer = self.layer
        return self._other[0] is layer.contents and self._other[1] == layer.placement


# -- operations (each one undo step) --------------------------------------------------------

def check_smart_object(doc: "Document", layer, what: str) -> SmartObjectLayer:
    if not isinstance(layer, SmartObjectLayer) or not doc.contains(layer):
        raise DocumentError(f"Select a smart object layer to {what}.")
    return layer


def convert(doc: "Document", layer) -> SmartObjectLayer:
    """Layer > Smart Objects > Convert to Smart Object: the pixel layer becomes a smart object
    holding its pixels (trimmed to what they cover), placed where they were, with the same
    name, mask, style and settings; one step. The shown pixels do not change."""
    if not isinstance(layer, Layer) or layer.kind != "pixel" or not doc.contains(layer):
        raise DocumentError("Select a pixel layer to convert to a smart object.")
    doc._check_unlocked(layer)
    box = opaque_bounds(layer.pixels) if not layer.is_empty() else None
    if box is None:
        raise DocumentError(f"Layer '{layer.name}' is empty: there is nothing to put in a "
                            f"smart object.")
    contents = SmartContents(layer.pixels[box.slices()].copy(), f"{layer.name}.png")
    placement = rect_quad(layer.x + box.x, layer.y + box.y, box.w, box.h)
    smart = SmartObjectLayer(layer.name, contents, placement, np.array(contents.pixels),
                             layer.x + box.x, layer.y + box.y, visible=layer.visible,
                             opacity=layer.opacity, blend_mode=layer.blend_mode,
                             locked=layer.locked, recipe=layer.recipe)
    layer._copy_extras(smart)
    _replace(doc, layer, smart, "Convert to Smart Object")
    return smart


def convert_nodes(doc: "Document", nodes) -> SmartObjectLayer:
    """Convert to Smart Object for several chosen layers, a group, or a layer that is not a
    plain pixel layer (type, shape, fill, adjustment, a smart object): its contents are a
    document of copies of them, as they are (groups, masks, styles, blend modes among
    themselves), cropped to what they show together and kept as a PSD (Edit Contents opens
    those layers again); the smart object, named after the topmost, takes the topmost's
    place and shows their composite; one step. As in Photoshop, what they blended with
    below them is no longer reached from inside the smart object."""
    from .document import Document
    from .image_ops import crop
    from .layer_set_ops import stack_order
    from .psd_write import write_psd
    from .render import composite_document

    nodes = stack_order(doc, nodes)
    if not nodes:
        raise DocumentError("Select the layers to convert to a smart object.")
    for node in nodes:
        doc._check_unlocked(node)
    child = Document(doc.width, doc.height)
    locks = []
    for node in nodes:
        copy = node.copy()
        for each in [copy, *(copy.walk() if hasattr(copy, "walk") else ())]:
            locks.append((each, each.locked, each.locks))
            each.locked, each.locks = False, NO_LOCKS  # (until the crop below has moved it)
        copy.parent = child.root
        child.root.children.append(copy)
    box = opaque_bounds(composite_document(child))
    if box is None:
        raise DocumentError("The chosen layers show nothing: there is nothing to put in a "
                            "smart object.")
    crop(child, box, "Crop")
    child.history.clear()
    for each, locked, partial in locks:
        each.locked, each.locks = locked, partial
    pixels = composite_document(child)
    data = io.BytesIO()
    write_psd(child, data)
    top = nodes[-1]
    contents = SmartContents(pixels, f"{top.name}.psd", data.getvalue(), "8bps")
    smart = SmartObjectLayer(top.name, contents, rect_quad(box.x, box.y, box.w, box.h),
                             np.array(pixels), box.x, box.y)
    name = "Convert to Smart Object"
    commands = [cmds.InsertNode(smart, top.parent, top.index() + 1, name)]
    commands += [cmds.RemoveNode(node, name) for node in nodes]
    doc.history.push(Macro(name, commands))
    doc.set_active(smart)
    return smart


def new_via_copy(doc: "Document", layer) -> SmartObjectLayer:
    """Layer > Smart Objects > New Smart Object via Copy: a copy just above it whose contents
    are its own (a new id: replacing or editing them leaves the original as it is, unlike a
    plain duplicate's, which are shared); one step."""
    from .document import copy_name

    check_smart_object(doc, layer, "copy")
    old = layer.contents
    copy = layer.copy(copy_name(layer.name, {n.name for n in doc.root.walk()}))
    copy.contents = SmartContents(old.pixels, old.filename, old.data, old.filetype,
                                  stack_mode=old.stack_mode, link=old.link,
                                  modified=old.modified)
    doc.history.push(cmds.InsertNode(copy, layer.parent, layer.index() + 1,
                                     "New Smart Object via Copy"))
    doc.set_active(copy)
    return copy


def rasterize(doc: "Document", layer) -> Layer:
    """Layer > Rasterize > Smart Object: a plain pixel layer with the pixels it shows, its
    place, name, mask and style (its contents no longer kept); one step."""
    check_smart_object(doc, layer, "rasterize")
    doc._check_unlocked(layer)
    plain = Layer.copy(layer)  # Layer's copy makes a Layer: the same pixels and extras
    _replace(doc, layer, plain, "Rasterize Smart Object")
    return plain


def _replace(doc: "Document", old: Layer, new: Layer, name: str) -> None:
    doc.replace_node(old, new, name)
    doc.set_active(new)


def set_placement(doc: "Document", layer: SmartObjectLayer, placement: Quad,
                  name: str = "Free Transform") -> None:
    """Places the contents at the four canvas points `placement`, rendered anew from the
    contents (a transform of a smart object); one step (or part of the caller's)."""
    doc.history.push(SetSmartObject(layer, layer.contents, placement, _limit(doc), name,
                                    doc.canvas))


def _sharing(doc: "Document", layer) -> list[SmartObjectLayer]:
    """The layers of `doc` that share `layer`'s contents (Photoshop's linked instances)."""
    old = layer.contents
    sharing = [n for n in doc.layers() if isinstance(n, SmartObjectLayer) and n.contents is old]
    for node in sharing:
        doc._check_unlocked(node)
    return sharing


def replace_contents(doc: "Document", layer, pixels: np.ndarray, filename: str,
                     data: Optional[bytes] = None, filetype: str = "png",
                     name: str = "Replace Contents", stack_mode: str = "none") -> None:
    """Layer > Smart Objects > Replace Contents: new contents, drawn within the placement of
    the old (its size, turn and distortion kept; the new picture's proportions kept inside
    it, centred, as Photoshop fits it); one step. Every layer of the document that shares
    the old contents (a duplicate: Photoshop's linked instances) takes the new ones."""
    check_smart_object(doc, layer, "replace its contents")
    contents = SmartContents(check_pixels(pixels).copy(), filename, data, filetype,
                             stack_mode=stack_mode)
    put_contents(doc, layer, contents, name)


def put_contents(doc: "Document", layer: SmartObjectLayer, contents: SmartContents,
                 name: str) -> None:
    """`contents` in place of `layer`'s, for it and every layer sharing its contents, each
    drawn within its old placement as Replace Contents fits them (contents of the same size
    keep the placement as it is); one step named `name` (or part of the caller's)."""
    old = layer.contents
    sharing = _sharing(doc, layer)
    w0, h0, w1, h1 = old.width, old.height, contents.width, contents.height
    if not (w1 and h1):
        raise DocumentError(f"'{contents.filename}' is empty: there is nothing to place.")
    scale = min(w0 / w1, h0 / h1)
    ox, oy = (w0 - scale * w1) / 2, (h0 - scale * h1) / 2
    with doc.history.macro(name):
        for node in sharing:
            m = quad_matrix(node.placement, w0, h0)
            corners = []
            for u, v in rect_quad(ox, oy, scale * w1, scale * h1):
                px, py, pw = m @ np.array([u, v, 1.0])
                corners.append((tidy(px / pw), tidy(py / pw)))
            doc.history.push(SetSmartObject(node, contents, tuple(corners), _limit(doc), name,
                                            doc.canvas))


def contents_document(doc: "Document", layer) -> "Document":
    """Layer > Smart Objects > Edit Contents: the contents as a document of their own (an
    embedded PSD with its layers, else one layer of the pixels), linked to the smart object
    (`Document.contents_of`) so that saving it updates the smart object (`save_contents`)."""
    check_smart_object(doc, layer, "edit its contents")
    child = embedded_document(layer.contents)
    child.contents_of = (doc, layer)
    return child


def embedded_document(contents: SmartContents) -> "Document":
    """The contents as a document: their embedded PSD with its layers, else one layer of
    their pixels."""
    from .document import Document

    child = None
    if contents.filetype in ("8bps", "8bpb") and contents.data is not None:
        from .psd_smart import read_embedded_psd

        child = read_embedded_psd(contents.data)
        child.warnings = []
    if child is None or child.size != (contents.width, contents.height):
        child = Document(contents.width, contents.height)
        child.add_image(np.array(contents.pixels), "Layer 1", 0, 0)
        child.history.clear()
    return child


def set_stack_mode(doc: "Document", layer, mode: str) -> None:
    """Layer > Smart Objects > Stack Mode: the smart object (and the layers sharing its
    contents) shows the statistic `mode` of the layers inside it (`stack_modes`; "none":
    their composite again), computed from the embedded layers each time (modes never
    pile up); the same file, new contents; one step."""
    from .stack_modes import MODES, check_mode, stack_pixels

    check_smart_object(doc, layer, "set its stack mode")
    check_mode(mode)
    old = layer.contents
    if old.link is not None:  # (its statistic would be kept inside: embedded)
        raise DocumentError(f"'{layer.name}' is a linked smart object: embed it first "
                            f"(Layer > Smart Objects > Embed Linked).")
    if old.stack_mode == mode:
        return
    sharing = _sharing(doc, layer)
    child = embedded_document(old)
    data, filetype, filename = old.data, old.filetype, old.filename
    if filetype not in ("8bps", "8bpb") or data is None:
        # Contents of one picture (never a stack yet: their pixels are the picture) are
        # kept as a PSD of it from now on, so that a later mode (and None) is computed
        # from the picture, never from a statistic's pixels.
        from .psd_write import write_psd

        out = io.BytesIO()
        write_psd(child, out)
        data, filetype = out.getvalue(), "8bps"
        filename = (filename.rsplit(".", 1)[0] or layer.name) + ".psd"
    pixels = stack_pixels(child, mode)
    if pixels.shape[:2] != (old.height, old.width):  # (an embedded file of another size)
        raise DocumentError("The smart object's embedded layers do not match its size: "
                            "open Edit Contents and save it first.")
    contents = SmartContents(pixels, filename, data, filetype, stack_mode=mode)
    name = f"Stack Mode {MODES[mode]}"
    with doc.history.macro(name):
        for node in sharing:
            doc.history.push(SetSmartObject(node, contents, node.placement, _limit(doc), name,
                                            doc.canvas))


def save_contents(child: "Document") -> None:
    """Saving a document made by `contents_document`: its composite (an image stack: its
    statistic again, `stack_modes`) becomes the contents of
    the smart object it came from (and of the layers sharing them), kept as a PSD of its
    layers (so Edit Contents opens them again), in one step of the parent document."""
    import io

    from .psd_write import write_psd
    from .stack_modes import stack_pixels

    link = getattr(child, "contents_of", None)
    if link is None:
        raise DocumentError("This document is not a smart object's contents.")
    parent, layer = link
    if not parent.contains(layer) or not isinstance(layer, SmartObjectLayer):
        raise DocumentError(f"The smart object '{layer.name}' is no longer in its document: "
                            f"use Save As to keep these contents as a file.")
    out = io.BytesIO()
    write_psd(child, out)
    stem = layer.contents.filename.rsplit(".", 1)[0] or layer.name
    mode = layer.contents.stack_mode  # (an image stack's statistic, of the edited layers)
    replace_contents(parent, layer, stack_pixels(child, mode), f"{stem}.psd",
                     out.getvalue(), "8bps", name="Edit Contents", stack_mode=mode)
    child.history.mark_clean()


def tidy(value: float) -> float:
    """A computed coordinate that is a whole number but for float noise, made whole (a smart
    object scaled back to 100 % lands on its own pixels again)."""
    near = round(value)
    return float(near) if abs(value - near) < 1e-6 else float(value)


def export_contents(layer, path: str) -> None:
    """Layer > Smart Objects > Export Contents: the contents as a PNG file (their own file
    as it was embedded when that is a PNG)."""
    from .files import atomic_write
    from .images import write_flat

    if not isinstance(layer, SmartObjectLayer):
        raise DocumentError("Select a smart object layer to export its contents.")
    contents = layer.contents
    if contents.data is not None and contents.filetype == "png":
        data = contents.data
        atomic_write(path, lambda f: f.write(data))
        return
    atomic_write(path, lambda f: write_flat(np.ascontiguousarray(contents.pixels), f, "PNG", 95))


def pose_of(quad: Quad, width: int, height: int) -> Optional[tuple]:
    """(centre x, centre y, scale x, scale y, angle) when `quad` is the contents'
    rectangle scaled (one scale per axis, negative: flipped) and turned, else None."""
    affine = affine_of(quad, width, height)
    if affine is None:
        return None
    a, b, c, d, e, f = affine
    ux, uy, vx, vy = a * width, d * width, b * height, e * height
    lu, lv = math.hypot(ux, uy), math.hypot(vx, vy)
    if lu == 0 or lv == 0 or abs(ux * vx + uy * vy) > 1e-9 * lu * lv:
        return None  # skewed
    angle = math.atan2(uy, ux)
    sy = math.copysign(lv / height, ux * vy - uy * vx)
    (x0, y0), _, (x2, y2), _ = quad
    return (x0 + x2) / 2, (y0 + y2) / 2, lu / width, sy, angle
