"""The layer tree composited onto a `PixelBuffer`: a stack of nodes, bottom first
(`_draw_nodes`), groups (isolated, pass-through, masked, artboards), clipping groups,
Photoshop's Advanced Blending and styled groups; `composite_document` and
`composite_nodes` give the straight RGBA of files, merges and previews. Each layer is
drawn by render_layers.py.

A group with a drawn layer style (layer_effects.py) is composited on its own and its
effects are made from that composite (`_styled_group_images`), row band by row band with
the style's reach around each; the result is kept per group (`_styled_rows`) under a key of
everything inside it (`_content_key`), so a redraw because something else changed is a
blit, and a change inside remakes only the rows redrawn (the document's dirty boxes grow
by the style's reach: `Node.style_reach`).
Photoshop's Advanced Blending: a layer with Knockout blends, inside its shape, onto what lay
below its group (Shallow) or the document's stack (Deep) instead of onto the layers below it
(`_draw_knockout`: `_draw_nodes` keeps a copy of that backdrop while a knockout layer is in
the stack); a group with Knockout punches its whole composite's shape through the same way, a
clipping base its clipping group, and a clipped layer knocks down to its base (`_draw_clipped`);
a node with colour channels unchecked gives the backdrop's back to them
(`_restricted`). A clipping base's overlays, satins and inner glows, its shape's stroke and
its inside Stroke effects lie over its clipped layers, as Photoshop draws them
(`_interior_split`, `_interior_onto`); Blend Clipped Layers as Group off draws the
clipped layers each with its own mode onto the backdrop (`_draw_clipped_apart`).

Clipping groups, knockouts and styled groups draw what is inside them with the functions
that draw the stack (`_draw_children`, `_draw_node`), which draw them in turn: one module,
so that no import goes round in a circle.
"""
from __future__ import annotations

import copy
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

import numpy as np

from engine.box import Box
from engine.compose import blend, dissolve_noise, unpremultiply

from . import layer_effects, render_over
from .same import Same
from .layers import AdjustmentLayer, FillLayer, Group, Layer, Node
from .layers import BLENDING_OPTIONS
from .render_buffer import _QT_MODE_NAMES, PixelBuffer, _Painter, _layer_image
from .render_layers import (_document_canvas, _draw_fill, _draw_layer, _draw_masked,
                            _effect_masks, _interior_shape, _overlay_box, _times, adjust_buffer,
                            draw_lookup_run, whole_lookup)

# Adjustment layers in a row that are each a lookup table over the whole buffer: applied as
# one composed table from this many on (`draw_lookup_run`; the tests set it out of reach to
# compare with the layers applied one by one).
MIN_LOOKUP_RUN = 2

if TYPE_CHECKING:
    from .document import Document


def _draw_nodes(painter: _Painter, nodes: Sequence[Node], region: Box,
                deep: Optional["_Backdrop"] = None) -> None:
    """`nodes` (one group's children, bottom first) drawn in turn inside `region`. `deep`:
    what a Deep knockout inside shows (the bottom of the document's stack), passed down
    through pass-through groups; None at the top and in isolated groups, whose bottom is
    where they start."""
    shallow = None
    knocking = [n for n in nodes if _knocks_out(n)]
    if deep is None:
        knocking += _deep_below(nodes)
    if knocking and nodes[0].is_background:
        # The document's stack over a Background: knockouts reach down to it, not to
        # transparency (Photoshop's "Deep knocks out to the background"). It is drawn
        # first, so the backdrop kept below includes it.
        _draw_node(painter, nodes[0], region, None)
        nodes = nodes[1:]
    if knocking:
        # Knockout: what lies below this stack, which a knockout layer punches down to
        # (kept where those layers draw only: a float copy of the canvas is large).
        reach = knocking[0].drawn_bounds()
        for node in knocking[1:]:
            reach = reach.union(node.drawn_bounds())
        shallow = _Backdrop.of(painter, region.intersect(reach))
    deep = shallow if deep is None else deep
    screen = not painter.buffer.precise
    i = 0
    while i < len(nodes):
        node = nodes[i]
        j = i + 1
        while j < len(nodes) and nodes[j].clipping:  # the clipping group based on `node`
            j += 1
        if screen and j == i + 1 and render_over.plain(node):
            # Plain layers in a row: one pass over the buffer for all of them.
            while j < len(nodes) and render_over.plain(nodes[j]) \
                    and not (j + 1 < len(nodes) and nodes[j + 1].clipping):
                j += 1
            if j - i >= render_over.MIN_RUN:
                render_over.draw_run(painter, nodes[i:j], region)
                i = j
                continue
            j = i + 1
        if screen and j == i + 1 and whole_lookup(node):
            # Lookup adjustments in a row (Levels, Curves, ...): one pass for all of them.
            while j < len(nodes) and whole_lookup(nodes[j]) \
                    and not (j + 1 < len(nodes) and nodes[j + 1].clipping):
                j += 1
            if j - i >= MIN_LOOKUP_RUN:
                draw_lookup_run(painter, nodes[i:j], region)
                i = j
                continue
            j = i + 1
        if j > i + 1 and not node.clipping:
            clipped = nodes[i + 1:j]
            if _knocks_out(node):  # the whole clipping group knocks out, in its base's shape
                _draw_knockout(painter, node, region,
                               shallow if node.knockout == "shallow" else deep, deep,
                               lambda p, box: _draw_clipping_group(p, node, clipped, box))
            else:
                _draw_clipping_group(painter, node, clipped, region)
        else:
            for each in nodes[i:j]:  # no base below: drawn as they are
                if _knocks_out(each):
                    _draw_knockout(painter, each, region,
                                   shallow if each.knockout == "shallow" else deep, deep)
                else:
                    _draw_node(painter, each, region, deep)
        i = j


def _draw_children(painter: _Painter, group: Group, region: Box,
                   deep: Optional["_Backdrop"] = None) -> None:
    """`group`'s children drawn inside `region` (`_draw_nodes`). An artboard's are drawn
    as Photoshop draws them: inside its rectangle only, over its background colour (an
    opaque fill at the bottom of the group, so its children blend with it, not with what
    lies below; none for a transparent artboard). Measured against the merged images of
    psd-tools' artboard.psd, artboard-bgcolor.psd and advanced-blending.psd
    (tests/test_artboards.py)."""
    artboard = group.artboard
    if artboard is not None:
        region = region.intersect(artboard.box)
        if region.is_empty():
            return
        rgb = artboard.fill()
        if rgb is not None:
            painter.fill(rgb, region, "normal", 255)
    _draw_nodes(painter, group.children, region, deep)


@dataclass
class _Backdrop:
    """A copy of the buffer's premultiplied float pixels over `box`: what a knockout
    layer shows through its shape."""
    pixels: np.ndarray
    box: Box

    @staticmethod
    def of(painter: _Painter, region: Box) -> "_Backdrop":
        box = region.intersect(painter.buffer.box)
        painter.close()
        return _Backdrop(painter.buffer.read_float(box), box)

    def read(self, box: Box) -> np.ndarray:
        return self.pixels[box.translate(-self.box.x, -self.box.y).slices()]


def _knocks_out(node: Node) -> bool:
    """Whether `node` is drawn as a knockout: a layer, a group (its whole composite punches
    through) or a clipping base (with its clipped layers). Not a clipped node (it knocks
    out inside its clipping group: `_draw_clipped`) nor an adjustment layer (it adds no
    pixels of its own; psd-tools ignores its knockout too)."""
    return not node.clipping and _has_knockout(node)


def _has_knockout(node: Node) -> bool:
    return node.visible and node.knockout != "none" \
        and not (isinstance(node, AdjustmentLayer) and not isinstance(node, FillLayer))


def _deep_below(nodes: Sequence[Node]) -> list[Node]:
    """The Deep knockout layers inside the pass-through groups among `nodes` (drawn onto
    the same buffer, so they knock down to the bottom of `nodes`)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Group) and node.visible and not node.isolated() \
                and not node.draws_style():
            out += [n for n in node.children if _knocks_out(n) and n.knockout == "deep"]
            out += _deep_below(node.children)
    return out


def _draw_knockout(painter: _Painter, node: Node, region: Box, backdrop: _Backdrop,
                   deep: Optional[_Backdrop] = None, draw=None) -> None:
    """Photoshop's Knockout (psd-tools' `Compositor._apply_source` with knockout): inside
    the node's shape (`_knockout_shape`) the node blends onto `backdrop` (what lay below its
    group, or the document's bottom for Deep, or a clipping group's base) instead of onto
    the layers below it; at 0 % Fill it shows the backdrop there. As premultiplied colour:
    result = knocked + (1 - shape) * (current - backdrop), where `knocked` is the node drawn
    onto the backdrop: for a group, its layers (a Pass Through group's keeping their modes
    against the backdrop), for a clipping base, `draw(painter, box)`, its clipping group.
    `deep`: what Deep knockouts inside it knock down to."""
    buffer = painter.buffer
    inside = node.drawn_bounds().intersect(region).intersect(backdrop.box)
    if inside.is_empty() or node.opacity <= 0:
        return
    painter.close()
    current = buffer.read_float(inside)
    under = backdrop.read(inside)
    knocked = PixelBuffer(inside.w, inside.h, buffer.precise, (inside.x, inside.y))
    knocked.write_float(inside, under)
    inner = _Painter(knocked)
    if draw is None:
        _draw_node(inner, node, inside, deep)
    else:
        draw(inner, inside)
    inner.close()
    cover = _knockout_shape(node, inside, buffer.precise)
    buffer.write_float(inside, knocked.read_float(inside) + (1.0 - cover) * (current - under))


def _knockout_shape(node: Node, box: Box, precise: bool) -> np.ndarray:
    """The coverage a knockout `node` punches with over canvas box `box` (h x w x 1 float):
    its alpha drawn on transparency through its masks and at its opacity, not its Fill (a
    group's: its layers' composite, as they are drawn, through its mask, times its opacity;
    a styled group's, with its effects as drawn)."""
    if isinstance(node, Layer) and not node.transparency_shapes:
        # Transparency Shapes Layer off: it knocks out over its whole box (through its masks)
        cover = np.zeros((box.h, box.w, 1), np.float32)
        at = (node.content_bounds(box) if isinstance(node, FillLayer) else node.bounds())
        cover[at.intersect(box).translate(-box.x, -box.y).slices()] = node.opacity / 255.0
        mask = node.active_mask()
        if mask is not None:
            cover *= mask.coverage(box)[..., None] * np.float32(1 / 255)
        return cover
    shape = PixelBuffer(box.w, box.h, precise, (box.x, box.y))
    inner = _Painter(shape)
    if isinstance(node, Layer):
        _draw_layer(inner, node, box, "normal", node.opacity, fill=255)
    elif node.draws_style():
        _draw_styled_group(inner, node, box)
    else:
        assert isinstance(node, Group)
        _draw_children(inner, node, box)  # (alpha on transparency: the same in any mode)
        inner.close()
        if node.active_mask() is not None:
            _mask_buffer(shape, node.active_mask(), box)
        return shape.read_float(box)[..., 3:4] * np.float32(node.opacity / 255.0)
    inner.close()
    return shape.read_float(box)[..., 3:4]


def _draw_clipped(painter: _Painter, clipped: Sequence[Node], box: Box) -> None:
    """The nodes clipped to a base, drawn in turn onto the base's content in `painter`
    inside `box`. One with Knockout knocks down to that content, the clipping group's
    bottom, Shallow and Deep alike (psd-tools' clip compositor is seeded with the base and
    has no document backdrop)."""
    # (copied before the first clipped node is drawn: only where one knocks out)
    base = _Backdrop.of(painter, box) if any(_has_knockout(n) for n in clipped) else None
    for node in clipped:
        if base is not None and _has_knockout(node):
            _draw_knockout(painter, node, box, base, base)
        else:
            _draw_node(painter, node, box)


def _restricted(painter: _Painter, node: Node, region: Box, draw) -> None:
    """Advanced Blending's channels: `draw()` blends `node` in, then each unchecked colour
    channel gets the backdrop's straight colour back (times the new alpha: the layer still
    adds its coverage, as Photoshop's)."""
    buffer = painter.buffer
    inside = node.drawn_bounds().intersect(region).intersect(buffer.box)
    if inside.is_empty():
        return
    painter.close()
    before = unpremultiply(buffer.read_float(inside))
    draw()
    painter.close()
    after = buffer.read_float(inside)
    for c, kept in enumerate(node.channels):
        if not kept:
            after[..., c] = before[..., c] * after[..., 3]
    buffer.write_float(inside, after)


def _draw_clipping_group(painter: _Painter, base: Node, clipped: Sequence[Node],
                         region: Box) -> None:
    """Photoshop's clipping mask, with "Blend Clipped Layers as Group" (its default): the
    base and the layers clipped to it composite on transparency, each clipped layer
    blending onto the base's colours, the result keeps the base's alpha (its shape); it
    then blends onto the backdrop with the base's mode and opacity. The base's Fill fades
    its own colours only: the clipped layers keep its full shape. Hidden base: the
    clipped layers are hidden too."""
    if not base.visible:
        return
    if isinstance(base, AdjustmentLayer) and not isinstance(base, FillLayer):
        _draw_adjustment_clipping_group(painter, base, clipped, region)
        return
    if not base.blend_clipped:
        _draw_clipped_apart(painter, base, clipped, region)
        return
    inside = _content_box(base, painter.buffer.box).intersect(region)
    if inside.is_empty():
        return
    split = _interior_split(base)  # (its overlays, satins, inner glows: over the clipped)
    if split is not None:
        drawn = split[0]
        inside = _interior_window(base, painter.buffer.box, split[1], inside)
    buffer = painter.buffer
    temp = PixelBuffer(inside.w, inside.h, buffer.precise, (inside.x, inside.y))
    inner = _Painter(temp)
    if split is not None:
        _draw_layer(inner, drawn, inside, "normal", 255, fill=255)
    elif isinstance(base, Layer):
        _draw_layer(inner, base, inside, "normal", 255, fill=255)
    elif base.draws_style():  # (drawn as a styled layer base is: with its effects)
        _blend_styled_group(inner, base, inside, "normal", 255)
    else:
        assert isinstance(base, Group)
        if base.isolated() or base.adjusts():
            _draw_children(inner, base, inside)  # the group's own mode applies below
        else:
            _pass_through_content(painter, base, inside, temp)
    inner.close()
    shape = temp.read_float(inside)[..., 3:4].copy()
    own = shape  # the base's own contribution: its shape, unless its Fill fades it
    if isinstance(base, Layer) and base.fill_opacity != 255:
        # Photoshop's Fill fades the base's own colours, not the shape its clipped layers
        # are clipped by: they paint onto the faded base as onto transparency, and show at
        # full strength where the base is opaque (at Fill 0 %, the base is only a shape).
        temp.array[...] = 0
        _draw_layer(inner, base if split is None else split[0], inside, "normal", 255)
        inner.close()
        own = temp.read_float(inside)[..., 3:4].copy()
    _draw_clipped(inner, clipped, inside)
    inner.close()
    out = temp.read_float(inside)
    alpha = out[..., 3:4]
    # How much the clipped layers cover over the base's own alpha (alpha = c + own (1 - c)
    # for every mode), then the result's alpha: from the base's own where they cover
    # nothing to its full shape where they cover it all (at Fill 100 %: the shape).
    kept = shape
    if own is not shape:
        cover = np.divide(alpha - own, 1.0 - own, out=np.zeros_like(alpha), where=own < 1.0)
        kept = own + (shape - own) * np.clip(cover, 0.0, 1.0)
    scale = np.divide(kept, alpha, out=np.zeros_like(alpha), where=alpha > 0)
    out[..., :3] *= scale  # same colours, the base's alpha
    out[..., 3:4] = kept
    temp.write_float(inside, out)
    if split is not None:
        _interior_onto(temp, inside, base, split[1])
    mode = "normal" if base.blend_mode == "pass_through" else base.blend_mode
    opacity = base.opacity  # (a layer base's Fill faded its own colours above)
    if isinstance(base, Group) and not base.draws_style():
        opacity = _times(opacity, base.fill_opacity)  # an unstyled group's Fill fades it all
        if base.active_mask() is not None:
            # (a styled group's composite went through its mask before its effects were made)
            _mask_buffer(temp, base.active_mask(), inside)
    if mode in _QT_MODE_NAMES:
        painter.draw(temp.image, inside, region, mode, opacity)
    else:
        painter.blend_numpy(unpremultiply(temp.read_float(inside)), inside, region, mode,
                            opacity)


def _draw_clipped_apart(painter: _Painter, base: Node, clipped: Sequence[Node],
                        region: Box) -> None:
    """A clipping group whose base has "Blend Clipped Layers as Group" off ('clbl' 0): the
    base is drawn as it is (its mode, opacity, Fill, effects), then each clipped layer blends
    with what lies below it in its own mode, only inside the base's shape S (the base's
    pixels through its masks, not its Fill nor its effects, times its opacity):
    result = before + S * (drawn - before), per clipped layer, premultiplied. Its overlays,
    satins and inner glows then lie over the clipped layers, unless Blend Interior Effects as
    Group made them part of the base's own colours (`_interior_split`)."""
    split = None if base.blend_interior else _interior_split(base)
    _draw_node(painter, base if split is None else split[0], region)
    buffer = painter.buffer
    inside = _content_box(base, buffer.box).intersect(region)
    if inside.is_empty():
        return
    shape = _clip_shape(base, inside, buffer.precise)
    for node in clipped:
        if not node.visible:
            continue
        painter.close()
        before = buffer.read_float(inside)
        _draw_node(painter, node, inside)
        painter.close()
        after = buffer.read_float(inside)
        buffer.write_float(inside, before + (after - before) * shape)
    if split is not None:  # made over all of its shape in the buffer, drawn inside `region`
        painter.close()
        whole = _interior_window(base, buffer.box, split[1], inside)
        _interior_onto(buffer, whole, base, split[1], inside, base.opacity, canvas=True)


# The interior effects a clipping base draws over its clipped layers (Photoshop's, as its
# thumbnail of psd-tools' blend-and-clipping.psd shows: a base's Color Overlay covers the
# layers clipped to it, except with Blend Interior Effects as Group on and Blend Clipped
# Layers as Group off). Its inner shadows and bevels stay under them (not measured).
_INTERIOR_KINDS = ("pattern_overlays", "gradient_overlays", "color_overlays", "satins",
                   "inner_glows")
# Per base layer: (its style, its shape's stroke, a stand-in drawn without what lies over
# its clipped layers, its other effects, those effects alone).
_split_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()
_NO_EFFECTS = layer_effects.LayerEffects()  # (a base with a shape's stroke and no style)


def _strokes_over(effects: "layer_effects.LayerEffects") -> tuple:
    """A clipping base's Stroke effects that lie over its clipped layers, as its overlays
    do (psd-tools' effects/stroke-composite.psd): those inside or centred on its edge, in
    Normal (one in its own mode, or outside the shape, stays with the base); none when a
    Stroke Emboss lights the first stroke (it is drawn with the base)."""
    if any(b.enabled and b.style == "stroke_emboss" for b in effects.bevels):
        return ()
    return tuple(s for s in effects.strokes
                 if s.enabled and s.position != "outside" and s.blend_mode == "normal")


def _interior_split(base: Node) -> Optional[tuple[Layer, "layer_effects.LayerEffects"]]:
    """For a layer that is a clipping base drawing something over its clipped layers
    (overlays, satins, inner glows, inside Strokes `_strokes_over`, a shape layer's own
    stroke: Photoshop's order): (a stand-in for it drawn without them, a style of the
    effects alone, which `_interior_onto` lays over with the shape's stroke); None
    otherwise. The stand-in is kept per base (its images are then kept as the base's are)
    and takes the base's state at each call."""
    if not isinstance(base, Layer):
        return None
    stroke = base.stroke if isinstance(base, FillLayer) and base.stroke_coverage() is not None \
        else None
    styled = base.draws_style()
    effects = base.effects if styled else _NO_EFFECTS
    over = _strokes_over(effects)
    if stroke is None and not over and not any(
            e.enabled for kind in _INTERIOR_KINDS for e in getattr(effects, kind)):
        return None
    kept = _split_cache.get(base)
    if kept is None or kept[0] is not effects or kept[1] != stroke:
        from dataclasses import replace

        others = ("drop_shadows", "outer_glows", "inner_shadows", "bevels")
        kept = (effects, stroke, copy.copy(base),
                replace(effects, strokes=tuple(s for s in effects.strokes if s not in over),
                        **{k: () for k in _INTERIOR_KINDS}),
                replace(effects, strokes=over, **{k: () for k in others}))
        _split_cache[base] = kept
    _, _, stand_in, rest, alone = kept
    stand_in.__dict__.update(base.__dict__)
    if styled:
        stand_in.effects = rest
    if stroke is not None:  # (drawn by `_interior_onto`)
        stand_in.stroke = stroke.replace(enabled=False)
    return stand_in, alone


def _interior_window(base: Layer, canvas: Box, effects, box: Box) -> Box:
    """Where a base's interior effects (`_interior_split`) are made to draw canvas box `box`
    exactly: `box` grown by how far they reach inside the base (a glow's edge), within its
    whole box; all of that box for a gradient or pattern overlay (laid out on the shape's
    bounds)."""
    whole = _interior_box(base, canvas, effects)
    if effects.gradient_overlays or effects.pattern_overlays \
            or any(s.fill_type != "color" for s in effects.strokes):
        return whole
    return box.expand(effects.reach()).intersect(whole)


def _interior_box(base: Layer, canvas: Box, effects) -> Box:
    """Where a base's interior effects are made (`_interior_onto`): its whole box (a fill
    layer's, where it shows around `canvas`), so that a redrawn strip gives what the whole
    gives."""
    if isinstance(base, FillLayer):
        return base.content_bounds(canvas.expand(effects.reach()))
    return base.bounds()


def _interior_onto(buffer: PixelBuffer, box: Box, base: Layer, effects,
                   inside: Optional[Box] = None, opacity: int = 255,
                   canvas: bool = False) -> None:
    """A clipping base's overlays, satins, inner glows and inside strokes (`effects`,
    `_interior_split`), then its shape's stroke, then its Stroke effects,
    over what `buffer` holds inside canvas box `box`, within the base's own shape S, each at
    full strength (over a faded Fill it adds coverage; with Blend Interior Effects as Group
    the Fill fades them too), as `styled_layers` lays them over a layer (its
    `interior_shape`; S is its whole box with Transparency Shapes Layer off). The buffer holds
    the base and its clipped layers (inside S), or with
    `canvas` the whole canvas there: then the part S of each pixel is drawn over and the
    rest, 1 - S, kept. Written inside `inside` (default all of `box`) at `opacity`."""
    fill = base.fill_opacity
    if base.blend_interior and fill < 255:
        from dataclasses import replace

        effects = replace(effects, **{k: tuple(replace(e, opacity=e.opacity * fill / 255.0)
                                               for e in getattr(effects, k))
                                      for k in _INTERIOR_KINDS})
    own = _clip_shape(base, box, buffer.precise, faded=False)  # (what strokes follow)
    if base.transparency_shapes:
        shape = own
    else:  # (Transparency Shapes Layer off: over the base's whole box)
        shape = np.ones((box.h, box.w, 1), np.float32)
    held = np.zeros((box.h, box.w, 4), np.float32)  # (beyond the buffer: made, not drawn)
    there = box.intersect(buffer.box)
    held[there.translate(-box.x, -box.y).slices()] = buffer.read_float(there)
    rgba = unpremultiply(held)
    if canvas:
        rgba[..., 3:4] *= shape
    vector = None
    if isinstance(base, FillLayer):  # its shape's stroke, faded by its Fill as its pixels
        vector = base.stroke_over(box, base.active_mask(), base.user_mask())
        if vector is not None and fill < 255:
            vector = (vector[0].replace(opacity=vector[0].opacity * fill / 255),) + vector[1:]
    made = layer_effects.styled_layers(rgba, effects, 1.0, own[..., 0], (box.x, box.y),
                                       _document_canvas(base), False, shape[..., 0],
                                       vector, _overlay_box(base))[0][0]
    after = np.concatenate([made[..., :3] * made[..., 3:4], made[..., 3:4]], axis=-1)
    if canvas:
        after += (1.0 - shape) * held
    inside = (box if inside is None else inside.intersect(box)).intersect(buffer.box)
    local = inside.translate(-box.x, -box.y).slices()
    before = held[local]
    buffer.write_float(inside, before + (after[local] - before) * np.float32(opacity / 255.0))


def _clip_shape(base: Node, box: Box, precise: bool, faded: bool = True) -> np.ndarray:
    """The shape (h x w x 1 float, over canvas box `box`) that layers clipped apart to
    `base` show through: its own pixels' alpha through its masks (a group's composite's),
    without its Fill or effects, times its opacity (unless not `faded`)."""
    temp = PixelBuffer(box.w, box.h, precise, (box.x, box.y))
    inner = _Painter(temp)
    if isinstance(base, FillLayer):
        _draw_fill(inner, base, box, "normal", 255)
    elif isinstance(base, Layer):
        if not base.is_empty():
            mask = base.active_mask()
            if mask is None:
                inner.draw(_layer_image(base), base.bounds(), box, "normal", 255)
            else:
                _draw_masked(inner, base, mask, box, "normal", 255)
    else:
        assert isinstance(base, Group)
        _draw_children(inner, base, box)
        inner.close()
        if base.active_mask() is not None:
            _mask_buffer(temp, base.active_mask(), box)
    inner.close()
    return temp.read_float(box)[..., 3:4] * np.float32(base.opacity / 255.0 if faded else 1.0)


def _pass_through_content(painter: _Painter, group: Group, box: Box,
                          temp: PixelBuffer) -> None:
    """What a Pass Through group that is a clipping base contributes, into `temp` (empty)
    inside canvas box `box`: Photoshop composites it as a non-isolated group (PDF's): its
    layers blend with what lies below, their modes kept, and the backdrop is taken out
    again. Drawn over the backdrop B they give R; drawn on transparency, the group's own
    alpha a; its content is then R - B (1 - a), premultiplied (so that, blended Normal at
    full opacity, it gives R back). Measured on psd-tools' passthrough_clipping_mask_
    blendmode (tests/test_blend_modes_photoshop.py): drawn isolated, a Linear Dodge layer
    in it lost its mode. (A group with adjustments inside is drawn isolated, its
    adjustments acting on its own layers, as Photoshop does there.)"""
    painter.close()
    buffer = painter.buffer
    inner = _Painter(temp)
    _draw_children(inner, group, box)
    inner.close()
    alpha = temp.read_float(box)[..., 3:4]
    over = PixelBuffer(box.w, box.h, buffer.precise, (box.x, box.y))
    over.region(box)[...] = buffer.region(box)
    inner = _Painter(over)
    _draw_children(inner, group, box)
    inner.close()
    content = over.read_float(box) - buffer.read_float(box) * (1.0 - alpha)
    content[..., :3] = np.clip(content[..., :3], 0.0, alpha)
    content[..., 3:4] = alpha
    temp.write_float(box, content)


def _content_box(node: Node, canvas: Box) -> Box:
    """Where `node` draws content of its own inside `canvas` (the shape a clipping group
    based on it takes): its pixels' box; a fill layer's, where its masks show its colour
    (it has no pixel box); a group's, its layers' and its fill layers'."""
    if isinstance(node, FillLayer):
        return node.content_bounds(canvas)
    if isinstance(node, Group) and any(isinstance(n, FillLayer) for n in node.walk()):
        return node.drawn_bounds().intersect(canvas)
    return node.bounds().intersect(canvas)


def _draw_adjustment_clipping_group(painter: _Painter, base: AdjustmentLayer,
                                    clipped: Sequence[Node], region: Box) -> None:
    """An adjustment layer as a clipping base, as Photoshop (and psd-tools) draw it: its
    content is the adjusted backdrop, as opaque as the backdrop wherever that has pixels;
    the clipped layers composite onto that content (the backdrop's alpha kept), and the
    result blends onto the backdrop with the base's mode, through its mask and at its
    opacity. So the clipped layers show inside the base's mask, and an adjustment clipped
    to it changes only what the base adjustment did."""
    box = region.intersect(painter.buffer.box)
    if box.is_empty() or base.opacity <= 0:
        return
    buffer = painter.buffer
    painter.close()
    temp = PixelBuffer(box.w, box.h, buffer.precise, (box.x, box.y))
    temp.region(box)[...] = buffer.region(box)
    if not base.settings.is_identity():
        adjust_buffer(temp.region(box), base.settings, temp.precise)
    inner = _Painter(temp)
    _draw_clipped(inner, clipped, box)
    inner.close()
    before = buffer.read_float(box)
    alpha = before[..., 3:4]
    backdrop = unpremultiply(before)[..., :3]
    content = unpremultiply(temp.read_float(box))[..., :3]
    mode = "normal" if base.blend_mode == "pass_through" else base.blend_mode
    weight = np.float32(base.opacity / 255.0)
    mask = base.active_mask()
    if mask is not None:
        weight = mask.coverage(box)[..., None] * (weight / np.float32(255))
    if mode == "dissolve":
        weight = (dissolve_noise(box.x, box.y, box.w, box.h)[..., None]
                  < weight).astype(np.float32)
    rgb = backdrop + (blend(mode, backdrop, content) - backdrop) * weight
    buffer.write_float(box, np.concatenate([rgb * alpha, alpha], axis=-1))


def _mask_buffer(buffer: PixelBuffer, mask, box: Box) -> None:
    """Multiplies a premultiplied buffer by a mask's coverage inside canvas box `box`."""
    values = buffer.read_float(box) * (mask.coverage(box)[..., None] * np.float32(1 / 255))
    buffer.write_float(box, values)


def _draw_node(painter: _Painter, node: Node, region: Box,
               deep: Optional[_Backdrop] = None, all_channels: bool = False) -> None:
    """`node` blended onto the canvas inside `region` (`deep`: see `_draw_nodes`);
    `all_channels`: as if no channel were restricted (its restriction applied around it).
    One function, not two: a group nested in a group costs two frames of recursion here
    (this and `_draw_nodes`), and a 400-deep file written with the limit lifted must not
    reach Python's recursion limit."""
    if not node.visible:
        return
    if not all_channels and not all(node.channels):
        _restricted(painter, node, region,
                    lambda: _draw_node(painter, node, region, deep, all_channels=True))
        return
    if isinstance(node, Layer):
        _draw_layer(painter, node, region, node.blend_mode, node.opacity)
        return
    assert isinstance(node, Group)
    if node.draws_style():
        _draw_styled_group(painter, node, region)
        return
    buffer = painter.buffer
    inside = node.drawn_bounds().intersect(region).intersect(buffer.box)
    if inside.is_empty():
        return
    mask = node.active_mask()
    # A group's Fill (unstyled) fades its layers as its opacity does (psd-tools' composite,
    # and Photoshop's pixels: tests/test_blend_modes_photoshop.py).
    opacity = _times(node.opacity, node.fill_opacity)
    mode = _group_mode(node)
    if not node.isolated():
        if mask is None and opacity == 255:
            if node.artboard is None:  # (two frames per nested group, not three)
                _draw_nodes(painter, node.children, region, deep)
            else:
                _draw_children(painter, node, region, deep)
            return
        # Children blend with the backdrop; the group's opacity (times its mask, when it
        # has one) then fades the result back towards the backdrop.
        painter.close()
        before = buffer.read_float(inside)
        _draw_children(painter, node, inside, deep)
        painter.close()
        after = buffer.read_float(inside)
        weight = (np.float32(opacity / 255.0) if mask is None
                  else mask.coverage(inside)[..., None] * np.float32(opacity / 255.0 / 255.0))
        buffer.write_float(inside, before + (after - before) * weight)
        return
    # An isolated group: its children composite on transparency first.
    temp = PixelBuffer(inside.w, inside.h, buffer.precise, (inside.x, inside.y))
    inner = _Painter(temp)
    _draw_children(inner, node, inside)
    inner.close()
    if mask is not None:
        _mask_buffer(temp, mask, inside)
    if mode in _QT_MODE_NAMES:
        painter.draw(temp.image, inside, region, mode, opacity)
    else:
        painter.blend_numpy(unpremultiply(temp.read_float(inside)), inside, region, mode,
                            opacity)


def _group_mode(group: Group) -> str:
    """The mode a group blends with: a Pass Through group with a drawn layer style is
    composited on its own and blended as Normal (Photoshop's)."""
    return "normal" if group.blend_mode == "pass_through" else group.blend_mode


def _styled_group_images(group: Group, shown: Box, precise: bool
                         ) -> tuple[list[tuple[np.ndarray, Optional[str]]], Box]:
    """A group with its drawn layer style, over canvas box `shown`: its children composited
    on transparency (through its mask) wherever a pixel of `shown` depends on them (its
    style's reach around it), then `layer_effects.styled_layers` of that composite, as
    for a pixel layer: the effects follow the group's composite, not each layer. Returns
    the styled images (straight float) and their canvas box.

    The reach around `shown` holds every pixel its effects are made from, and the
    composite spans the same columns whatever rows are asked, so rows made apart are
    what one piece gives there (exactly: the renderer's redraws rely on it)."""
    effects = group.effects
    box = shown.expand(effects.reach())
    window = box.intersect(group.composite_bounds())
    padded = np.zeros((box.h, box.w, 4), np.float32)
    if not window.is_empty():
        temp = PixelBuffer(window.w, window.h, precise, (window.x, window.y))
        inner = _Painter(temp)
        _draw_children(inner, group, window)
        inner.close()
        mask, _ = _effect_masks(group)  # (its active mask unless one hides the effects)
        if mask is not None:
            _mask_buffer(temp, mask, window)
        padded[window.translate(-box.x, -box.y).slices()] = \
            unpremultiply(temp.read_float(window))
    # Its Fill fades its composite, not its effects (made from the full composite), as
    # for a styled layer.
    images = layer_effects.styled_layers(padded, effects, fill=group.fill_opacity / 255.0,
                                         interior_group=group.blend_interior,
                                         interior_shape=_interior_shape(
                                             group, box, group.composite_bounds()),
                                         interior_apart=layer_effects.interior_blends_apart(
                                             _group_mode(group), group.blend_interior))
    _, hiding = _effect_masks(group)
    if hiding is not None:  # Layer / Vector Mask Hides Effects: its mask hides them all
        cover = hiding.coverage(box) * np.float32(1 / 255)
        for image, _ in images:
            image[..., 3] *= cover
    return images, box


def _draw_styled_group(painter: _Painter, group: Group, region: Box) -> None:
    """A group with its drawn layer style inside `region`, with its mode (Normal for Pass
    Through) and opacity."""
    shown = group.drawn_bounds().intersect(region).intersect(painter.buffer.box)
    _blend_styled_group(painter, group, shown, _group_mode(group), group.opacity)


STYLED_BAND_PIXELS = 1 << 20  # a styled group is made in bands of rows: bounded memory


@dataclass
class _StyledRows:
    """A styled group's images kept over `box` (its drawn box on the canvas), premultiplied
    in the painter's precision, and the rows of them made since the group last changed."""
    key: tuple
    box: Box
    precise: bool
    buffers: list                  # [(PixelBuffer, own mode or None)], bottom to top
    rows: list                     # [(y0, y1)] made, disjoint


# Per styled group: its `_StyledRows` of each precision (the screen's, the files').
_styled_rows: "weakref.WeakKeyDictionary[Group, dict]" = weakref.WeakKeyDictionary()


def _content_key(group: Group) -> tuple:
    """What a group's composite and style are made from: its style and mask, and every
    node inside it as the renderer reads it (a layer's pixels by identity and revision,
    which in-place strokes and mask edits bump, as `_kept` relies on). Any change inside
    gives another key: the kept rows are made again."""
    def own_key(node: Node) -> tuple:  # (the group's mode and opacity apply when drawn)
        mask = node.mask
        return (Same(node, node.vector_mask), node.effects, node.revision,
                None if mask is None else (Same(mask.pixels), mask.x, mask.y, mask.enabled,
                                           mask.default, mask.density, mask.feather)) \
            + tuple(getattr(node, attr) for attr, _, _, _ in BLENDING_OPTIONS)

    def node_key(node: Node) -> tuple:
        out = own_key(node) + (node.visible, node.opacity, node.blend_mode, node.clipping,
                               node.fill_opacity, node.knockout, node.channels)
        if isinstance(node, Layer):
            out += (Same(node.pixels), node.x, node.y, getattr(node, "settings", None))
            if isinstance(node, FillLayer):
                out += (node.frame(),)
        return out

    # (Its mode too, where it decides how its interior effects are drawn: `styled_layers`.)
    apart = layer_effects.interior_blends_apart(_group_mode(group), group.blend_interior)
    return (own_key(group), group.fill_opacity, apart) + tuple(node_key(n) for n in group.walk())


def _kept_rows(group: Group, precise: bool) -> Optional[_StyledRows]:
    """The group's kept rows for its current content (new, empty ones when it changed),
    over its drawn box inside the document's canvas; None outside a document."""
    root = group
    for root in group.ancestors():
        pass
    canvas = root.canvas  # (a document's root group holds its canvas box)
    if canvas is None:
        return None
    box = group.drawn_bounds().intersect(canvas)
    key = _content_key(group)
    kept = _styled_rows.setdefault(group, {})
    entry = kept.get(precise)
    modes = layer_effects.image_modes(group.effects)
    if entry is None or entry.box != box or [m for _, m in entry.buffers] != modes:
        buffers = [(PixelBuffer(box.w, box.h, precise, (box.x, box.y)), m) for m in modes]
        entry = kept[precise] = _StyledRows(key, box, precise, buffers, [])
    elif entry.key != key:
        entry.key, entry.rows = key, []  # (its buffers are written again row by row)
    return entry


def _blend_styled_group(painter: _Painter, group: Group, shown: Box, mode: str,
                        opacity: int) -> None:
    """Blends the styled group (`_styled_group_images`) onto `painter` inside `shown`: its
    shadows with their own modes, then its composite with its overlays and strokes with
    `mode`, each at `opacity`.

    The images are kept (`_styled_rows`) over the group's drawn box, premultiplied, and
    made only for the rows asked for since the group last changed, in bands of rows (each
    band's composite and effects over its rows and the style's reach around them: the
    same pixels whichever rows are asked first): a redraw because something else changed
    costs a blit per image, a stroke inside the group remakes the rows it touched."""
    if shown.is_empty() or opacity <= 0:
        return
    precise = painter.buffer.precise
    entry = _kept_rows(group, precise)
    if entry is None or entry.box.intersect(shown) != shown:  # (not kept: made for `shown`)
        for band in _style_bands(group, shown):
            images, box = _styled_group_images(group, band, precise)
            for image, own_mode in images:
                painter.blend_numpy(image, box, band, own_mode or mode, opacity)
        return
    missing = _missing_rows(entry.rows, shown.y, shown.y1)
    for y0, y1 in missing:
        for band in _style_bands(group, Box(entry.box.x, y0, entry.box.w, y1 - y0)):
            images, box = _styled_group_images(group, band, precise)
            for (buffer, _), (image, _) in zip(entry.buffers, images):
                part = image[band.translate(-box.x, -box.y).slices()]
                rgba = part.copy()
                rgba[..., :3] *= part[..., 3:4]
                buffer.write_float(band, rgba)
        entry.rows = _merged_rows(entry.rows + [(y0, y1)])
    for buffer, own_mode in entry.buffers:
        blend_mode = own_mode or mode
        if blend_mode in _QT_MODE_NAMES:
            painter.draw(buffer.image, entry.box, shown, blend_mode, opacity)
        else:
            painter.blend_numpy(unpremultiply(buffer.read_float(shown)), shown, shown,
                                blend_mode, opacity)


def _style_bands(group: Group, box: Box) -> list[Box]:
    """`box` cut into bands of rows to make a styled group in (bounded float memory)."""
    rows = max(2 * group.effects.reach(), STYLED_BAND_PIXELS // max(1, box.w))
    return [Box(box.x, y, box.w, min(rows, box.y1 - y)) for y in range(box.y, box.y1, rows)]


def _missing_rows(made: list, y0: int, y1: int) -> list[tuple[int, int]]:
    """The spans of rows y0..y1 not in `made` (disjoint spans)."""
    out, y = [], y0
    for a, b in sorted(made):
        if b <= y or a >= y1:
            continue
        if a > y:
            out.append((y, a))
        y = max(y, b)
    if y < y1:
        out.append((y, y1))
    return out


def _merged_rows(spans: list) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def composite_nodes(nodes: Sequence[Node], box: Box, *, precise: bool = True) -> np.ndarray:
    """Straight RGBA uint8 of `nodes` composited on transparency inside canvas box `box`."""
    buffer = PixelBuffer(box.w, box.h, precise, (box.x, box.y))
    painter = _Painter(buffer)
    _draw_nodes(painter, nodes, box)
    painter.close()
    return buffer.to_straight_rgba8()[: box.h, : box.w]


def composite_document(doc: "Document", box: Optional[Box] = None, *, precise: bool = True,
                       below: Optional[Node] = None) -> np.ndarray:
    """What the document shows, as straight RGBA uint8 (inside `box`, default the canvas).

    With `below`, only what lies under that node in the stack is composited
    (the background a generated layer will sit on).
    """
    box = box or doc.canvas
    nodes: Sequence[Node] = list(doc.root.children)
    if below is not None:
        nodes = nodes_below(doc.root, below.parent, below.index())
    return composite_nodes(nodes, box, precise=precise)


def nodes_above(node: Node) -> list[Node]:
    """What is drawn over `node`, bottom to top: its later siblings, then its group's, and so
    on up. Composited on their own over transparency, as a preview's approximation: a
    group's opacity or blend mode does not reach the siblings inside it."""
    out: list[Node] = []
    while node.parent is not None:
        out.extend(node.parent.children[node.index() + 1:])
        node = node.parent
    return out


def nodes_below(root: Group, parent: Group, index: int) -> list[Node]:
    """What lies under position `index` of group `parent` (inside `root`), as a copy of
    `root`'s top level with everything from that position up pruned; the original nodes
    keep their parents."""
    if root is parent:
        return list(parent.children[:index])
    out: list[Node] = []
    for node in root.children:
        if isinstance(node, Group) and (node is parent or any(n is parent for n in node.walk())):
            pruned = Group(node.name, visible=node.visible, opacity=node.opacity,
                           blend_mode=node.blend_mode)
            pruned.mask, pruned.clipping = node.mask, node.clipping
            pruned.artboard = node.artboard
            pruned.children = nodes_below(node, parent, index)
            out.append(pruned)
            return out
        out.append(node)
    return out
