"""The caches the `Renderer` (render.py) draws a repeatedly changed layer between (a drag,
a stroke, a slider): the composite of everything below it and of everything above it or,
with adjustment layers above, runs of layers pre-flattened between the nodes drawn live
(`_Focus`, `_build_focus`). Made at once or in steps while the editor is idle
(`_focus_in_steps`), reduced for a drag drawn at the view's pyramid level
(`_reduced_focus`); `_redraw_with_focus` redraws rows from them. A layer that does not
blend straight into the document, or any layer of a stack with a Knockout in it, is not
split out (`_split_top_level`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

import numpy as np

from engine.box import Box

from . import prefaulted, reduced
from .layers import AdjustmentLayer, FillLayer, Group, Layer, Node
from .render_buffer import _QT_MODE_NAMES, PixelBuffer, _Painter
from .render_layers import _styled_images
from .render_nodes import _draw_nodes, _group_mode


@dataclass
class _Focus:
    layer: Layer
    # What is drawn live between the caches: the layer alone, or the clipping group it is
    # part of (its base and the layers clipped to it, bottom first).
    unit: list
    below: PixelBuffer
    above: Optional[PixelBuffer]     # pre-flattened layers above, when they all blend normally
    above_nodes: list[Node]          # drawn one by one when `above` is None
    # With adjustment layers above: runs of normally blending layers pre-flattened
    # (PixelBuffer) between the nodes drawn live over them (lists of nodes), bottom to top.
    steps: Optional[list] = None
    # The rows the caches cover when they were made for the rows in view only (a drag at
    # 100 % that starts before the idle canvas made them all); None: the whole canvas.
    rows: Optional[Box] = None


def _build_focus(nodes: Sequence[Node], layer: Layer, canvas: Box) -> Optional[_Focus]:
    """The caches around `layer` in the stack `nodes` (the document's, or their reduced
    stand-ins) over `canvas`; None when it cannot be split out (see `_split_top_level`)."""
    return _finish(_focus_in_steps(nodes, layer, canvas))


def _focus_in_steps(nodes: Sequence[Node], layer: Layer, canvas: Box) -> Iterator[None]:
    """`_build_focus` as a generator that stops after each unit of the stack is drawn (a
    node with what is clipped to it: a few ms to tens of ms each), so the caches can be
    made between the events of an idle editor (`Renderer.prepare`). Returns the focus."""
    split = _split_top_level(nodes, layer)
    if split is None:
        return None
    below_nodes, above_nodes, unit = split
    below = yield from _flattened_in_steps(below_nodes, canvas)
    above, steps = None, None
    if all(_blends_normally(n) for n in above_nodes):
        above = yield from _flattened_in_steps(above_nodes, canvas)
    elif any(isinstance(n, AdjustmentLayer) for n in above_nodes):
        steps = yield from _steps_in_steps(above_nodes, canvas)
    return _Focus(layer, unit, below, above, above_nodes, steps)


def _finish(work: Iterator[None]):
    """Runs a generator of this module's `..._in_steps` to its end; returns its value."""
    while True:
        try:
            next(work)
        except StopIteration as stop:
            return stop.value


def _reduced_unit(full: _Focus, level: int) -> tuple[Layer, list[Node]]:
    """The stand-ins at pyramid `level` of `full`'s focus layer and of its unit."""
    proxies: dict = {}
    unit = reduced.reduced_nodes(full.unit, level, proxies)
    return proxies[id(full.layer)], unit


def _reduced_focus(full: _Focus, level: int) -> tuple[Layer, _Focus]:
    """(the focus layer's reduced stand-in, `full`'s caches at pyramid `level`: box
    averages of the premultiplied buffers, with the nodes drawn live reduced)."""
    proxy, unit = _reduced_unit(full, level)
    return proxy, _finish(_reduced_focus_in_steps(full, proxy, unit, level))


def _reduced_in_steps(full: _Focus, level: int) -> Iterator[None]:
    """`_reduced_focus` of `full`, stopping after each buffer (10-20 ms each on 12 MP);
    returns (stand-in, reduced focus)."""
    proxy, unit = _reduced_unit(full, level)
    yield
    focus = yield from _reduced_focus_in_steps(full, proxy, unit, level)
    # The styled images of the stand-ins drawn over the caches, made now rather than on
    # the first move (~5-10 ms each at level 2 for a 1200x900 layer).
    live = unit + list(focus.above_nodes) + [n for step in focus.steps or ()
                                             if not isinstance(step, PixelBuffer)
                                             for n in step]
    for node in live:
        for each in ([node] if not isinstance(node, Group) else list(node.walk())):
            if isinstance(each, Layer) and each.visible and each.draws_style():
                yield
                _styled_images(each, focus.below.box, each.fill_opacity)
    return proxy, focus


def _reduced_focus_in_steps(full: _Focus, proxy: Layer, unit: list[Node],
                            level: int) -> Iterator[None]:
    """`_reduced_focus` as a generator that stops after each buffer or run of live nodes
    it makes (see `_focus_in_steps`); returns the reduced focus."""
    def shrink(buffer: PixelBuffer) -> PixelBuffer:
        small = reduced.box_average(buffer.array, level)
        out = PixelBuffer(small.shape[1], small.shape[0], precise=False)
        out.array[...] = small
        return out

    def live(nodes: Sequence[Node]) -> list[Node]:
        return reduced.reduced_nodes(nodes, level)

    below = shrink(full.below)
    yield
    above = shrink(full.above) if full.above is not None else None
    steps = None
    if full.steps is not None:
        steps = []
        for step in full.steps:
            yield
            steps.append(shrink(step) if isinstance(step, PixelBuffer) else live(step))
    above_nodes = live(full.above_nodes) if above is None and steps is None else []
    return _Focus(proxy, unit, below, above, above_nodes, steps)


def _flattened_in_steps(nodes: Sequence[Node], canvas: Box) -> Iterator[None]:
    """`nodes` composited on transparency over the whole `canvas` (a cache), stopping
    after each clipping unit (see `_focus_in_steps`). Each unit
    gets its own painter: the pixels are the same as drawn by one (each draw sets its own
    mode and opacity; the numpy paths close the painter anyway)."""
    # Its 48 MB mapped in a piece per step too (~25 ms at once).
    array = yield from prefaulted.zeros_in_steps(PixelBuffer.shape(canvas.w, canvas.h), np.uint8)
    buffer = PixelBuffer(canvas.w, canvas.h, precise=False, origin=(canvas.x, canvas.y),
                         array=array)
    for unit in _clipping_units(nodes):
        for band in _step_bands(unit, canvas):
            painter = _Painter(buffer)
            _draw_nodes(painter, unit, band)
            painter.close()
            yield
    return buffer


STEP_PIXELS = 1 << 20  # a costly unit is drawn in bands of about this many pixels per step


def _step_bands(unit: Sequence[Node], canvas: Box) -> list[Box]:
    """Where to stop while drawing `unit` over `canvas`: a plain layer (one blit, a few ms
    on 12 MP) at once; an adjustment, a group, a clipping group or a numpy blend mode
    (up to ~10x a blit) in bands of whole rows, so that no step of the idle preparation
    keeps the editor from its events for long. Whole rows are drawn as in one piece
    (the renderer's dirty boxes rely on it)."""
    node = unit[0]
    if len(unit) == 1 and type(node) is Layer and node.blend_mode in _QT_MODE_NAMES:
        return [canvas]
    rows = max(1, STEP_PIXELS // max(1, canvas.w))
    return [Box(canvas.x, y, canvas.w, min(rows, canvas.y1 - y))
            for y in range(canvas.y, canvas.y1, rows)]


def _identities(split: tuple[list[Node], list[Node], list[Node]]) -> tuple:
    return tuple(tuple(id(n) for n in part) for part in split)


def _clipping_units(nodes: Sequence[Node]) -> list[list[Node]]:
    """`nodes` cut into units that `_draw_nodes` draws the same apart as together: each
    node with the nodes clipped to it."""
    units: list[list[Node]] = []
    for node in nodes:
        if node.clipping and units:
            units[-1].append(node)  # a clipped node stays with its base
        else:
            units.append([node])
    return units


def _steps_in_steps(nodes: Sequence[Node], canvas: Box) -> Iterator[None]:
    """The nodes above a dragged layer as steps: runs of clipping units that all blend
    normally, pre-flattened, and the units that do not (adjustments), drawn live. A
    generator (see `_focus_in_steps`); returns the steps."""
    steps: list = []
    run: list[Node] = []
    for unit in _clipping_units(nodes):
        if all(_blends_normally(n) for n in unit):
            run.extend(unit)
            continue
        if run:
            steps.append((yield from _flattened_in_steps(run, canvas)))
            run = []
        steps.append(unit)
    if run:
        steps.append((yield from _flattened_in_steps(run, canvas)))
    return steps


def _redraw_with_focus(target: PixelBuffer, canvas: Box, focus: _Focus, box: Box,
                       exact: bool = False, within: Optional[Box] = None,
                       partial: bool = False) -> bool:
    """Redraws rows `box` of `target` from the caches; `within` (inside `box`): what
    changed, or with `partial`, all that is to be drawn now (an approximation that the
    caller redraws exactly later). Returns True when the rows were drawn approximately
    (see render.py's module text)."""
    if partial and within is not None:
        box = within
    if focus.steps is not None and not exact:
        # Adjustments above: each run of normal layers in one blit, the rest live, and
        # only where something changed (the adjustments cost ~10x a blit per pixel).
        # Drawn in shorter spans than whole rows, Qt may round a pixel one level apart:
        # the rows are remembered and redrawn exactly when the drag settles.
        part = box if within is None else within
        target.region(part)[...] = focus.below.region(part)
        painter = _Painter(target)
        _draw_nodes(painter, focus.unit, part)  # (with its Advanced Blending)
        for step in focus.steps:
            if isinstance(step, PixelBuffer):
                painter.draw(step.image, step.box, part, "normal", 255)
            else:
                _draw_nodes(painter, step, part)
        painter.close()
        return True
    target.region(box)[...] = focus.below.region(box)
    painter = _Painter(target)
    _draw_nodes(painter, focus.unit, box)  # (with its Advanced Blending)
    approximate = focus.above is not None and not exact
    if approximate:
        painter.draw(focus.above.image, focus.above.box, box, "normal", 255)
    else:
        _draw_nodes(painter, focus.above_nodes, box)
    painter.close()
    return approximate


def _split_top_level(nodes: Sequence[Node], layer: Layer
                     ) -> Optional[tuple[list[Node], list[Node], list[Node]]]:
    """Splits the stack into (below, above, unit) around `layer` when it blends straight
    into the document: at top level or inside visible pass-through groups at full opacity.
    `unit` is what is drawn live between them: the layer, or the clipping group it is part
    of (its base and the layers clipped to it: drawn together, as `_draw_nodes` draws
    them). Not with a Knockout anywhere in the stack: a knockout layer's backdrop is a
    state of the stack below it, which the split caches do not keep."""
    if any(n.knockout != "none" for top in nodes for n in _self_and_below(top)):
        return None
    below: list[Node] = []
    for i, node in enumerate(nodes):
        if node is layer:
            first, end = i, i + 1
            while first > 0 and nodes[first].clipping:
                first -= 1
            if nodes[first].clipping:
                return None  # clipped to nothing: drawn as it is (rare; not worth a case)
            while end < len(nodes) and nodes[end].clipping:
                end += 1
            return list(nodes[:first]), list(nodes[end:]), list(nodes[first:end])
        if isinstance(node, Group) and any(n is layer for n in node.walk()):
            if (node.isolated() or node.opacity != 255 or node.fill_opacity != 255
                    or not node.visible
                    or node.active_mask() is not None or node.clipping
                    or node.artboard is not None  # (its rectangle clips the layer)
                    or (i + 1 < len(nodes) and nodes[i + 1].clipping)):
                return None
            inner = _split_top_level(node.children, layer)
            if inner is None:
                return None
            return below + inner[0], inner[1] + list(nodes[i + 1:]), inner[2]
        below.append(node)
    return None


def _self_and_below(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Group):
        yield from node.walk()


def _blends_normally(node: Node) -> bool:
    if not node.visible:
        return True
    if node.knockout != "none" or not all(node.channels) or not node.blend_clipped:
        # Advanced Blending reads what lies below the node: not a layer to pre-flatten.
        return False
    # A style's shadows and strokes in other modes blend onto what lies below the layer:
    # pre-flattened on transparency, a Multiply shadow would lose its mode.
    normal_effects = node.effects is None or node.effects.own_modes() <= {"normal"}
    if isinstance(node, FillLayer):
        # drawn as a layer of one colour
        return node.blend_mode == "normal" and normal_effects
    if isinstance(node, AdjustmentLayer):
        return False  # it changes what lies below it: not a layer to pre-flatten
    if isinstance(node, Layer):
        return node.blend_mode == "normal" and normal_effects
    assert isinstance(node, Group)
    if node.isolated():
        return _group_mode(node) == "normal"
    return (node.opacity == 255 and node.fill_opacity == 255
            and node.active_mask() is None and all(_blends_normally(c) for c in node.children))
