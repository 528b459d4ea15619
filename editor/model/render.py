"""Compositing the layer tree, with Qt's raster engine doing the pixel work: the `Renderer`,
which keeps the screen composite of a document current, and the names the rest of the
editor imports.

The compositing itself lives in sibling modules, whose public names are re-exported here:
render_buffer.py (the pixel buffer and its QPainter, the two precisions), render_layers.py
(one layer of each kind: pixels, masked, styled, fill, adjustment), render_nodes.py (the
stack, groups, clipping groups, knockout, styled groups; `composite_document`) and
render_focus.py (the caches around a layer being dragged, and their reductions); a run of
plain layers is drawn in one pass by render_over.py.

`Renderer` keeps the screen composite of one document up to date: changes
arrive as dirty boxes from the document's signals and only those boxes are
recomposited. While one layer is being changed repeatedly (dragged, painted,
transformed) it caches the composite of everything below that layer and, if
the layers above all blend normally, of everything above it, so each update
costs three blits of the dirty box whatever the number of layers.
With an adjustment layer above a dragged layer, the layers between adjustments are
pre-flattened the same way and the adjustments redrawn live, only inside the box that
changed (not whole rows: see below). Advanced Blending's knockout and channel restrictions
do not pre-flatten with the layers around them, and a Knockout anywhere keeps a drag from
splitting the stack (`_split_top_level`): such documents are redrawn in full rows, exactly.

During a drag the canvas says what it shows (`set_view`): zoomed out, the drag is
composited at the view's pyramid level, as Photoshop and Krita do: the focus caches
reduced (box averages), the dragged layer and the nodes drawn live over them as reduced
stand-ins (reduced.py), drawn by the same compositing code; at 100 % only what is in view
is redrawn. The full-resolution composite waits
(`_pending`) and is drawn exactly by `settle()`. When the caches around the dragged layer
are not made yet, the drag's caches are composited from every layer's stand-in instead,
once the idle preparation has made them (`Renderer._preview_caches`).

Exactness: the screen composite after any sequence of updates is bit-for-bit
what a new Renderer draws from scratch, with one bounded exception. Dirty
boxes are widened to whole canvas rows because Qt's raster engine rounds a
pixel differently depending on the span it is drawn in (a 1-pixel span and a
full row can differ by 1/255). The flattened "above" cache re-associates
8-bit rounding, so pixels drawn through it may differ by a rounding step or
two (2/255 at most in the tests) under translucent upper layers, and so may the
changed boxes redrawn under adjustment layers during a drag (shorter spans); they are
remembered and redrawn exactly as soon as
the focus ends (another layer changes, the structure changes,
`set_focus(None)`) or `settle()` is called at the end of a drag.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Optional

from engine.box import Box

from . import reduced
from .layers import Layer, Node
from .render_buffer import PixelBuffer, _Painter
from .render_focus import (_Focus, _build_focus, _finish, _focus_in_steps, _identities,
                           _reduced_focus, _reduced_in_steps, _redraw_with_focus,
                           _split_top_level)
from .render_layers import (_KERNELS, _styled_cache, adjust_buffer, masked_pixels,
                            straight_masked, warm_up)
from .render_nodes import (_draw_nodes, composite_document, composite_nodes, nodes_above,
                           nodes_below)

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from .document import Document

# What the editor, the tests and the bench scripts import from here. The private names are
# read by tests; a test that replaces a module variable patches the module that reads it
# (`_build_focus`: this one, the Renderer's; `STEP_PIXELS`: render_focus; `STYLED_BAND_PIXELS`,
# `_styled_group_images`: render_nodes).
__all__ = ["Renderer", "PixelBuffer", "composite_document", "composite_nodes", "nodes_above",
           "nodes_below",
           "masked_pixels", "straight_masked", "adjust_buffer", "warm_up", "VIEW_MARGIN",
           "_KERNELS", "_styled_cache", "_build_focus"]

_MAX_DIRTY_BOXES = 8
_NONE = object()  # `Renderer._take_prepared`: nothing prepared (None is a prepared answer)
VIEW_MARGIN = 64  # rows made around the view by a focus made for the rows in view


@dataclass
class _Preview:
    """A drag composited at pyramid level `level`: the focus caches reduced, the dragged
    layer and the nodes drawn live over them as reduced stand-ins (reduced.py), drawn by
    the same code as at full resolution."""
    level: int
    source: Layer                  # the dragged layer in the document
    proxy: Layer                   # its stand-in, the layer of `focus`
    canvas: Box                    # the reduced canvas, at (0, 0)
    buffer: PixelBuffer
    focus: _Focus
    revision: int                  # the source's revision: a pixel edit ends the preview


@dataclass
class _Prepared:
    """The caches around a layer being made ahead of a drag or stroke (`Renderer.prepare`)."""
    layer: Layer
    work: Iterator[None]           # `_focus_in_steps`, not yet run to its end
    split: tuple                   # the nodes below and above it when it began
    done: bool = False
    focus: Optional[_Focus] = None
    # (level, the layer's revision, its reduced stand-in, the focus reduced) for a drag
    # drawn at the view's level (`_draw_preview`), made once the focus is done.
    reduced: Optional[tuple] = None
    # ((level, revision), `_reduced_in_steps` for it) on the way to `reduced`
    reducing: Optional[tuple] = None


class Renderer:
    """Keeps an 8-bit premultiplied composite of a document current, box by box."""

    def __init__(self, doc: "Document"):
        self.doc = doc
        self.composite = PixelBuffer(doc.width, doc.height, precise=False)
        # The composite is still the zeros it was made of (nothing drawn into it yet): the
        # first redraw need not clear it (48 MB written for nothing on a 4000x3000 canvas).
        self._blank = True
        self._dirty: list[Box] = [doc.canvas]
        self._exact: list[Box] = []  # dirty boxes that must not use the above-cache
        self._touched: list[Box] = [doc.canvas]  # the dirty boxes before widening to rows
        self._focus: Optional[_Focus] = None
        self._focus_candidate: Optional[Layer] = None
        self._last_changed: Optional[Layer] = None
        # Boxes drawn through the flattened above-cache (rounding differs slightly).
        self._approximate: list[Box] = []
        # Alt+click on a mask thumbnail: the canvas shows that node's mask alone, in grey.
        self.mask_view: Optional[Node] = None
        # What the view shows (`set_view`): during an interaction only that is drawn, at
        # that level; the rest waits in `_pending` (whole rows) for `settle()`.
        self._view_level = 0
        self._view_box: Optional[Box] = None
        self._preview: Optional[_Preview] = None
        self._pending: list[Box] = []
        self._no_preview: Optional[Layer] = None  # painted, not moved: full resolution
        self._focus_revision: Optional[int] = None  # the focus layer's when it was hinted
        self._prepared: Optional[_Prepared] = None  # made while the editor is idle
        self._ready_preview: Optional[tuple] = None  # `_Prepared.reduced`, once taken
        doc.region_changed.connect(self._on_region)
        doc.structure_changed.connect(self._drop_focus)
        doc.size_changed.connect(self.match_size)

    def close(self) -> None:
        self.doc.region_changed.disconnect(self._on_region)
        self.doc.structure_changed.disconnect(self._drop_focus)
        self.doc.size_changed.disconnect(self.match_size)

    def match_size(self) -> bool:
        """A new composite buffer when the canvas size changed (Image menu); True if so."""
        doc = self.doc
        if self.composite.array.shape[:2] == (max(1, doc.height), max(1, doc.width)):
            return False
        self.composite = PixelBuffer(doc.width, doc.height, precise=False)
        self._blank = True
        self._drop_focus()
        self._dirty, self._exact, self._approximate = [doc.canvas], [], []
        self._touched, self._pending, self._preview = [doc.canvas], [], None
        return True

    @property
    def image(self) -> "QImage":
        """The composite (ARGB32 premultiplied). Call `update()` first."""
        return self.composite.image

    def set_focus(self, layer: Optional[Layer]) -> None:
        """Hints that `layer` is about to change repeatedly (a drag or a stroke begins);
        None when it ends (what was drawn approximately is then redrawn exactly)."""
        if self._focus is not None and self._focus.layer is layer:
            return
        self._end_focus()
        self._focus_candidate = layer
        self._focus_revision = None if layer is None else layer.revision

    def prepare(self, layer: Optional[Layer]) -> bool:
        """Starts making the caches around `layer` (as `set_focus` and the first change
        would), in steps run by `prepare_step`, so that a drag or stroke that begins
        later finds them made: the editor calls it when it is idle. Anything else that
        changes throws them away. True when there is work to run."""
        prepared = self._prepared
        if layer is None or not isinstance(layer, Layer) or not self.doc.contains(layer) \
                or (self._focus is not None and self._focus.layer is layer):
            return bool(self._unreduced())  # (the stand-ins serve any layer's drag)
        if prepared is not None and prepared.layer is layer:
            return (not prepared.done or bool(self._unreduced())
                    or (self._view_level > 0 and not self._reduced_ready()))
        split = _split_top_level(self.doc.root.children, layer)
        if split is None:  # drawn with its group: no caches around it
            return bool(self._unreduced())
        work = _focus_in_steps(self.doc.root.children, layer, self.doc.canvas)
        self._prepared = _Prepared(layer, work, _identities(split))
        return True

    def prepare_step(self, seconds: float = 0.015) -> bool:
        """Runs `prepare`'s work for about `seconds` (at least one unit of the stack);
        True while some is left."""
        end = time.perf_counter() + seconds
        # First every layer's stand-in at the view's level: a drag of any layer made
        # active later starts from them at once (`_preview_caches`), and they stay valid
        # until that layer's own pixels change.
        for layer in self._unreduced():
            reduced.reduced_pixels(layer, self._view_level)
            if time.perf_counter() >= end:
                return True
        prepared = self._prepared
        if prepared is None:
            return False
        ran = False
        while not prepared.done:
            try:
                next(prepared.work)
                ran = True
            except StopIteration as stop:
                prepared.done, prepared.focus = True, stop.value
                break
            if time.perf_counter() >= end:
                return True
        if self._view_level > 0 and prepared.focus is not None and not self._reduced_ready():
            if ran and time.perf_counter() >= end:
                return True
            layer, level = prepared.layer, self._view_level
            key = (level, layer.revision)
            if prepared.reducing is None or prepared.reducing[0] != key:
                prepared.reducing = (key, _reduced_in_steps(prepared.focus, level))
            while True:
                try:
                    next(prepared.reducing[1])
                except StopIteration as stop:
                    prepared.reduced, prepared.reducing = key + stop.value, None
                    return False
                if time.perf_counter() >= end:
                    return True
        return False

    def _unreduced(self) -> list[Layer]:
        """The layers whose stand-ins at the view's level are still to be made (none at
        full resolution)."""
        if self._view_level == 0:
            return []
        return reduced.unreduced(self.doc.root.children, self._view_level)

    def _reduced_ready(self) -> bool:
        prepared = self._prepared
        return (prepared is not None and prepared.reduced is not None
                and prepared.reduced[:2] == (self._view_level, prepared.layer.revision))

    def _take_prepared(self, layer: Layer):
        """The prepared focus for `layer` (made to its end now if need be), or `_NONE`
        when there is none to take."""
        prepared, self._prepared = self._prepared, None
        if prepared is None or prepared.layer is not layer:
            return _NONE
        split = _split_top_level(self.doc.root.children, layer)
        if split is None or _identities(split) != prepared.split:
            return _NONE  # (changes of the stack throw it away before this: a safeguard)
        if not prepared.done:
            prepared.focus = _finish(prepared.work)
        self._ready_preview = prepared.reduced
        return prepared.focus

    def settle(self) -> None:
        """Marks what was drawn through the above-cache, or not yet drawn at full
        resolution (a reduced preview, rows out of view), for an exact redraw (call it when
        a drag or stroke ends; the next `update()` draws it). Keeps the full-resolution
        caches."""
        self._preview = None
        for box in self._approximate + self._pending:
            self._add_dirty(box, exact=True)
        self._approximate, self._pending = [], []

    @property
    def approximate(self) -> bool:
        """True while some pixels may differ from the exact composite (rounding, a reduced
        preview, rows out of view not yet redrawn): `settle()` then redraws them."""
        return bool(self._approximate or self._pending or self._preview is not None)

    def set_view(self, level: int, box: Optional[Box] = None) -> None:
        """What the canvas shows: pyramid `level` (2**level image pixels per shown pixel)
        of canvas box `box` (None: all of it). While a layer is dragged, `update()` then
        composites only that: at level 0 the rows of `box` at full resolution, at a
        higher level the whole canvas at that level from the layers' reductions
        (`preview`); what it leaves waits for `settle()`. Other changes draw everything."""
        level = max(0, int(level))
        box = None if box is None else box.clip(self.doc.width, self.doc.height)
        changed = level != self._view_level or box != self._view_box
        self._view_level, self._view_box = level, box
        focus = self._focus
        if focus is not None and focus.rows is not None and (
                level != 0 or box is None or box.intersect(focus.rows) != box):
            # Caches of the rows that were in view: made again for the new view
            self._focus, self._focus_candidate = None, focus.layer
        if changed and (self._preview is None or self._preview.level != level):
            self._end_preview()  # what waited for full resolution may now be in view

    @property
    def preview(self) -> Optional[tuple[int, PixelBuffer]]:
        """(level, buffer) while a drag is drawn at a reduced level: the canvas shows
        `buffer` (2**level smaller than the canvas) instead of the composite."""
        if self._preview is None:
            return None
        return self._preview.level, self._preview.buffer

    def split_images(self, layer: Layer) -> Optional[tuple["QImage", "QImage", bool]]:
        """Copies of the composites below and above `layer`, for previews that draw the layer
        themselves (a drag, Free Transform): (below, above, exact). None when `layer` sits
        inside an isolated group or a clipping group. `exact` is False when a layer above
        blends other than normally: `above` is then composited over transparency, an
        approximation."""
        split = _split_top_level(self.doc.root.children, layer)
        if split is None or len(split[2]) > 1:
            return None  # (drawn with its clipping group: not a layer to draw alone)
        self.set_focus(layer)
        focus = self._ensure_focus(whole=True)
        if focus is None or focus.layer is not layer:
            return None
        above, exact = focus.above, focus.above is not None
        if above is None:
            above = PixelBuffer(self.doc.width, self.doc.height, precise=False)
            painter = _Painter(above)
            _draw_nodes(painter, focus.above_nodes, self.doc.canvas)
            painter.close()
        return focus.below.image.copy(), above.image.copy(), exact

    def set_mask_view(self, node: Optional[Node]) -> None:
        """Shows `node`'s layer mask alone (None: the composite again); all is redrawn."""
        if node is self.mask_view:
            return
        self.mask_view = node
        self._drop_focus()
        self._add_dirty(self.doc.canvas, exact=True)

    def is_dirty(self) -> bool:
        return bool(self._dirty)

    def update(self) -> list[Box]:
        """Recomposites what changed; returns the canvas boxes that were redrawn."""
        boxes, self._dirty = self._dirty, []
        exact, self._exact = self._exact, []
        touched, self._touched = self._touched, []
        if not boxes:
            return []
        blank, self._blank = self._blank, False
        view = self.mask_view
        # (the mask targeted when the view is the active node's: its Smart Filters mask too)
        shown = getattr(view, self.doc.mask_attr(view), None) if view is not None else None
        if view is not None and (shown is None or not self.doc.contains(view)):
            self.mask_view = view = None
            boxes = [self.doc.canvas]
        if view is not None:
            for box in boxes:
                values = shown.raw_crop(box)
                region = self.composite.region(box)
                region[..., :3] = values[..., None]
                region[..., 3] = 255
            return boxes
        layer = self._focus.layer if self._focus is not None else self._focus_candidate
        if layer is not None and self._view_level > 0 and not exact \
                and self._draw_preview(layer, touched):  # (exact: settling, full resolution)
            for box in boxes:  # drawn at full resolution when the drag settles
                self._pending = _merge_box(self._pending, box)
            return []
        if self._preview is not None:
            self._end_preview()
            for box in self._dirty:  # what the preview left: drawn now with the rest
                boxes = _merge_box(boxes, box)
            exact, touched = exact + self._exact, touched + self._touched
            self._dirty, self._exact, self._touched = [], [], []
        focus = self._ensure_focus()
        view = self._view_box if focus is not None else None
        drawn = []
        for box in boxes:
            if focus is None:
                self._redraw(box, clear=not blank)
                drawn.append(box)
                continue
            beyond = focus.rows is not None and box.intersect(focus.rows) != box
            if beyond and any(not box.intersect(e).is_empty() for e in exact):
                # Exact rows beyond the caches (made for the rows in view): drawn from the
                # layers; those the caches hold, from them.
                inside = box.intersect(focus.rows)
                for rows in (Box(box.x, box.y, box.w, max(0, focus.rows.y - box.y)),
                             Box(box.x, focus.rows.y1, box.w, max(0, box.y1 - focus.rows.y1))):
                    rows = rows.intersect(box)
                    if not rows.is_empty():
                        self._redraw(rows)
                        drawn.append(rows)
                if inside.is_empty():
                    continue
                box, beyond = inside, False
            within = None
            for other in touched:
                part = other.intersect(box)
                if not part.is_empty():
                    within = part if within is None else within.union(part)
            is_exact = any(not box.intersect(e).is_empty() for e in exact)
            changed = within or box
            if view is not None and not is_exact and (changed.intersect(view) != changed
                                                      or beyond):
                # An interaction reaching out of view: only what is in view is drawn now;
                # the rows wait for `settle()` to be drawn exactly, all of them.
                self._pending = _merge_box(self._pending, box)
                within = changed.intersect(view)
                if within.is_empty():
                    continue
                _redraw_with_focus(self.composite, self.doc.canvas, focus, box, within=within,
                                   partial=True)
                drawn.append(within)
                continue
            self._redraw_with_focus(focus, box, exact=is_exact, within=within)
            drawn.append(box)
        return drawn

    def _draw_preview(self, layer: Layer, touched: list[Box]) -> bool:
        """Draws the changed boxes at the view's level; False when the preview does not
        apply (the layer's pixels are being edited, or it cannot be split out)."""
        preview = self._preview
        if preview is not None and (preview.source is not layer
                                    or preview.revision != layer.revision):
            self._no_preview = layer  # a stroke: its dabs are small, full resolution
            self._end_preview()
            return False
        if layer is self._no_preview or not self.doc.contains(layer):
            return False
        level = self._view_level
        fresh = preview is None
        if fresh and layer.revision != self._focus_revision:
            self._no_preview = layer  # its pixels changed since the hint: a stroke
            return False
        if fresh:
            canvas = reduced.reduced_box(self.doc.canvas, level)
            made = self._preview_caches(layer, level, canvas)
            if made is None:
                return False  # not split out of the stack: full resolution, as before
            proxy, focus = made
            preview = _Preview(level, layer, proxy, canvas,
                               PixelBuffer(canvas.w, canvas.h, precise=False),
                               focus, layer.revision)
            self._preview = preview
        reduced.place(preview.proxy, layer, level)
        canvas = preview.canvas
        if fresh:
            regions = [canvas]
        else:
            regions = []
            for box in touched:
                small = reduced.reduced_box(box, level)
                small = Box(small.x - 1, small.y - 1, small.w + 2, small.h + 2).intersect(canvas)
                if not small.is_empty():
                    regions = _merge_box(regions, small)
        for region in regions:
            rows = Box(0, region.y, canvas.w, region.h)
            _redraw_with_focus(preview.buffer, canvas, preview.focus, rows, within=region)
        return True

    def _preview_caches(self, layer: Layer, level: int,
                        canvas: Box) -> Optional[tuple[Layer, _Focus]]:
        """(`layer`'s stand-in, the caches around it at `level`) for a drag drawn at the
        view's level; None when `layer` cannot be split out of the stack.

        With the full-resolution caches made (or made ready while idle), they are reduced.
        Otherwise (a drag that begins right after another layer was made active), the
        caches are composited from every layer's stand-in when those are all made (the
        idle preparation makes them first): ~10-40 ms at level 2 on the 20-layer photo
        document, where making and reducing the full caches took ~250-350 ms. The two can
        differ by a rounding step at soft edges (blending does not commute with box
        averages); the exact composite follows when the drag settles."""
        prepared = self._prepared
        full_made = (self._focus is not None and self._focus.layer is layer
                     and self._focus.rows is None) or (
            prepared is not None and prepared.layer is layer and prepared.done)
        if not full_made and not reduced.unreduced(self.doc.root.children, level):
            if _split_top_level(self.doc.root.children, layer) is None:
                return None
            proxies: dict = {}
            nodes = reduced.reduced_nodes(self.doc.root.children, level, proxies)
            proxy = proxies[id(layer)]
            focus = _build_focus(nodes, proxy, canvas)
            return None if focus is None else (proxy, focus)
        full = self._ensure_focus(whole=True)
        if full is None or full.layer is not layer:
            return None
        ready, self._ready_preview = self._ready_preview, None
        if ready is not None and ready[:2] == (level, layer.revision) \
                and ready[3].below.array.shape[:2] == (canvas.h, canvas.w):
            return ready[2], ready[3]
        return _reduced_focus(full, level)

    # -- signal handlers --------------------------------------------------------------
    def _on_region(self, box: Optional[Box], layer: Optional[Layer]) -> None:
        box = (box or self.doc.canvas).clip(self.doc.width, self.doc.height)
        if layer is None or (self._focus is not None and layer is not self._focus.layer) or \
                (self._preview is not None and layer is not self._preview.source):
            self._end_focus()  # something else changed: the caches are stale
        if layer is not None and layer is self._last_changed and self._focus is None \
                and self._focus_candidate is not layer:
            self._focus_candidate = layer  # the same layer again: worth caching around it
            self._focus_revision = layer.revision
        self._last_changed = layer
        if self._prepared is not None and layer is not self._prepared.layer:
            self._prepared = None  # made from what just changed
        elif self._prepared is not None and self._focus is None:
            # The layer made ready while idle changes (a slider, a filter): its caches
            # draw the change at once; what they round differently is settled after.
            self._focus_candidate = layer
            self._focus_revision = layer.revision
        if not box.is_empty():
            self._add_dirty(box)

    def _drop_focus(self) -> None:
        self._end_focus()
        self._last_changed = None
        self._prepared = None

    def _end_focus(self) -> None:
        self._focus = None
        self._ready_preview = None
        self._no_preview = None
        self.settle()

    def _end_preview(self) -> None:
        """Back to full resolution, or the view moved: what was left undrawn (by a preview,
        or out of view) becomes dirty (drawn exactly when the interaction settles)."""
        self._preview = None
        for box in self._pending:
            self._add_dirty(box)
        self._pending = []

    def _add_dirty(self, box: Box, exact: bool = False) -> None:
        self._touched = _merge_box(self._touched, box.clip(self.doc.width, self.doc.height))
        # Whole rows: Qt rounds a pixel the same way only when it is drawn in the same span.
        box = Box(0, box.y, self.doc.width, box.h)
        if box.is_empty():
            return
        if exact:
            self._exact.append(box)
        self._dirty = _merge_box(self._dirty, box)

    # -- drawing ----------------------------------------------------------------
    def _redraw(self, box: Box, clear: bool = True) -> None:
        if clear:
            self.composite.region(box)[...] = 0
        painter = _Painter(self.composite)
        _draw_nodes(painter, self.doc.root.children, box)
        painter.close()

    def _ensure_focus(self, whole: bool = False) -> Optional[_Focus]:
        """The caches around the focus layer, made now if the idle canvas did not make
        them. At 100 %, with a view much smaller than the canvas, only the rows in view
        (and a margin) are made: a third of the work on a 4000x3000 document in a
        1000-pixel-high view; `whole`: over the whole canvas."""
        focus = self._focus
        if focus is not None and not (whole and focus.rows is not None):
            return focus
        if focus is not None:  # rows only: made again whole
            self._focus, self._focus_candidate = None, focus.layer
        layer, self._focus_candidate = self._focus_candidate, None
        if layer is None or not self.doc.contains(layer):
            return None
        focus = self._take_prepared(layer)
        if focus is _NONE:
            rows = None if whole else self._rows_in_view()
            focus = _build_focus(self.doc.root.children, layer, rows or self.doc.canvas)
            if focus is not None and rows is not None:
                focus.rows = rows
        self._focus = focus
        return self._focus

    def _rows_in_view(self) -> Optional[Box]:
        """The rows a focus made now covers at 100 %: those in view and `VIEW_MARGIN`
        around them; None (the whole canvas) zoomed out, or when that is most of it."""
        view = self._view_box
        if self._view_level != 0 or view is None:
            return None
        rows = Box(0, view.y - VIEW_MARGIN, self.doc.width,
                   view.h + 2 * VIEW_MARGIN).intersect(self.doc.canvas)
        return rows if rows.h <= self.doc.height * 0.6 else None

    def _redraw_with_focus(self, focus: _Focus, box: Box, exact: bool = False,
                           within: Optional[Box] = None) -> None:
        if _redraw_with_focus(self.composite, self.doc.canvas, focus, box, exact, within):
            self._approximate = _merge_box(self._approximate, box)


def _merge_box(boxes: list[Box], box: Box) -> list[Box]:
    """`boxes` with `box` added, overlapping boxes merged (few boxes: a list is enough)."""
    keep = []
    for other in boxes:
        if not other.intersect(box).is_empty():
            box = box.union(other)
        else:
            keep.append(other)
    keep.append(box)
    if len(keep) > _MAX_DIRTY_BOXES:
        union = keep[0]
        for other in keep[1:]:
            union = union.union(other)
        keep = [union]
    return keep
