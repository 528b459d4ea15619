"""The layered document: canvas size, layer tree, active layer, selection and history.

Reading is direct (`doc.root`, `doc.layers()`, `layer.pixels`). Changing goes
through the operations below, each of which pushes one named, undoable
command onto `doc.history`. Observers (the canvas renderer, the panels)
connect to the signals; the model itself knows nothing about widgets.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
import re
from typing import Hashable, Iterable, Iterator, Optional

import numpy as np

from engine.box import Box, mask_bounds

from . import commands as cmds
from .comp_state import CompsState
from .type_styles import TypeStyles
from .errors import DocumentError
from .history import History, Macro
from .layers import (BLEND_MODES, GROUP_BLEND_MODES, LOCK_LABELS, NO_LOCKS, AdjustmentLayer,
                     FillLayer, Group, Layer, Node, check_pixels, clipping_base, merge_reach,
                     opaque_bounds, trimmed_to_opaque)
from .layers import BLENDING_OPTIONS
from .render import composite_document, composite_nodes
from .signals import Signal
from .snapshots import Snapshots


# `Document.path_target` for the active node's vector mask (the Paths panel's row for it).
VECTOR_MASK_TARGET = "vector_mask"
# Advanced Blending's flags (layers.BLENDING_OPTIONS): they change how a node is drawn.
_OPTION_ATTRS = tuple(attr for attr, _, _, _ in BLENDING_OPTIONS)


class LockedError(DocumentError):
    """The change would alter a locked layer."""

    # What to do, for someone in the editor (`errors.describe(..., editor=True)`).
    editor_hint: Optional[str] = "Unlock it first: Layer > Lock/Unlock Layer (Ctrl+/)."


class PartlyLockedError(LockedError):
    """The change would alter what a partial lock (Lock Transparent Pixels, Image Pixels,
    Position) holds; its line already says which lock to take off, and where."""

    editor_hint = None


_LOCK_WORDS = {"pixels": ("its pixels locked", "pixels"),
               "position": ("its position locked", "position"),
               "transparency": ("its transparent pixels locked", "transparent pixels")}


# Photoshop's line for moving, transforming or un-opaquing the Background, and its way out.
BACKGROUND_LOCKED = ("Could not complete your request because the Background layer is "
                     "locked: make it a layer first (Layer > New > Layer from Background…, "
                     "or double-click it in the Layers panel).")


def refuse_on_background(node: Node, what: str) -> None:
    """Photoshop's Background takes no mask, blend mode, opacity, Fill, knockout, clipping
    nor style: `what` on it is refused in one line saying how to make it a layer."""
    if node.is_background:
        raise DocumentError(f"The Background layer cannot have {what}: make it a layer first "
                            f"(Layer > New > Layer from Background…, or double-click it in "
                            f"the Layers panel).")


def raise_if_locked(node: Node, kind: str, derived_ok: bool = False) -> None:
    """Raises LockedError, in one line naming the lock and the node it is set on, when
    `node`'s Lock Image Pixels or Lock Position (`kind`: "pixels" or "position") forbids
    the change: its own, a group's above it or, for a group, a layer's inside it (a group
    moves or is transformed only when all of it may be). Lock All is `_check_unlocked`'s.
    `kind` "transparency": for what can only change alpha (Clear, Apply Layer Mask).
    Pixels drawn from settings (a type layer's) are refused too (`raise_if_derived`) unless
    `derived_ok` (Free Transform, which scales type as type)."""
    test = {"pixels": Node.pixels_locked, "position": Node.position_locked,
            "transparency": Node.transparency_locked}[kind]
    if kind in ("pixels", "transparency") and not derived_ok:
        raise_if_derived(node)
    if node.is_background and kind in ("position", "transparency"):
        raise PartlyLockedError(BACKGROUND_LOCKED)
    if not test(node):
        inside = node.walk() if isinstance(node, Group) else ()
        held = next((n for n in inside if test(n)), None)
        if held is None:
            return
        node = held
    holder = next((n for n in [node, *node.ancestors()]
                   if (n.locked and kind != "transparency") or getattr(n.locks, kind)), node)
    words, lock = _LOCK_WORDS[kind]
    where = f"Layer '{holder.name}'" if not isinstance(holder, Group) else f"Group '{holder.name}'"
    if holder.locked and kind != "transparency":
        raise LockedError(f"{where} is locked.")
    raise PartlyLockedError(f"{where} has {words}: unlock its {lock} in the Layers panel.")


def raise_if_derived(node: Node) -> None:
    """Refuses, in one line saying what to do, a change of pixels that are drawn from
    settings (a type layer's: `Layer.derived`), its own or, for a group, a layer's inside
    it: Photoshop asks to rasterise the type layer first."""
    held = node if getattr(node, "derived", None) else next(
        (n for n in node.walk() if getattr(n, "derived", None)), None) \
        if isinstance(node, Group) else None
    if held is not None:
        if held.derived == "type":
            raise DocumentError(f"'{held.name}' is a {held.derived} layer: rasterize it first "
                                f"(Layer > Rasterize > Type); its text is then no longer "
                                f"editable.")
        # (Photoshop: "the target layer is a smart object. Rasterize the smart object first")
        raise DocumentError(f"'{held.name}' is a {held.derived}: rasterize the "
                            f"{held.derived} first ({held.derived_hint}) to change its "
                            f"pixels; its contents are then no longer kept.")


def transforms_placements(node: Node) -> bool:
    """Whether every layer of `node` whose pixels are derived is a smart object (whose
    transforms change its placement, not its pixels): then a transform may go on."""
    nodes = [node, *node.walk()] if isinstance(node, Group) else [node]
    return all(getattr(n, "transforms_placement", False) for n in nodes
               if getattr(n, "derived", None))


def linked_masks(node: Node, which: str = "mask") -> list[Node]:
    """`node` and the nodes below it whose mask is linked and not empty: the masks that
    follow a transform of `node` (flip, quarter turn, Free Transform); `which`
    "filter_mask": the smart objects' Smart Filters masks (linked to their layer too)."""
    nodes = [node, *node.walk()] if isinstance(node, Group) else [node]
    masks = [(n, getattr(n, which, None)) for n in nodes]
    return [n for n, m in masks if m is not None and m.linked and m.width and m.height]


def transform_frame(node: Node) -> Box:
    """The canvas box a transform of `node` maps (Free Transform's handles; the flips' and
    quarter turns' centre): its bounds; for an adjustment or fill layer, which has no pixels,
    the box of what its linked mask reveals, as a layer's is of its pixels (Photoshop
    transforms the mask), or without one, its linked path's box (a shape layer). Raises a
    one-line DocumentError when there is nothing to transform."""
    if isinstance(node, AdjustmentLayer):
        mask = node.mask
        vector = node.vector_mask
        if mask is None and vector is not None and vector.linked and vector.subpaths:
            return vector.bounds()  # a shape layer: its path is what moves
        if mask is None:
            raise DocumentError(f"Adjustment layer '{node.name}' has no layer mask: there is "
                                "nothing to transform.")
        if not mask.linked:
            raise DocumentError(f"The layer mask of '{node.name}' is unlinked: link it (uncheck "
                                "Layer > Layer Mask > Unlink) to transform it.")
        revealed = mask_bounds(mask.pixels)
        if revealed is None:
            raise DocumentError(f"The layer mask of '{node.name}' hides everything: there is "
                                "nothing to transform.")
        return revealed.translate(mask.x, mask.y)
    frame = node.bounds()
    if frame.is_empty():
        what = "Layer" if isinstance(node, Layer) else "Group"
        raise DocumentError(f"{what} '{node.name}' is empty: there is nothing to transform.")
    return frame


def linked_paths(node: Node) -> list[Node]:
    """`node` and the nodes below it whose vector mask is linked: the paths that follow a
    transform of `node`."""
    nodes = [node, *node.walk()] if isinstance(node, Group) else [node]
    return [n for n in nodes if n.vector_mask is not None and n.vector_mask.linked]


def clipped_above(parent: Group, index: int) -> Box:
    """Where the clipped nodes from `parent.children[index]` up draw: they show through
    the base below them, so a new base (one added, removed, clipped or released under
    them) changes them beyond its own bounds."""
    box = Box(0, 0, 0, 0)
    for node in parent.children[index:]:
        if not node.clipping:
            break
        box = box.union(node.drawn_bounds())
    return box


def styled_reach(box: Box, node: Node) -> Box:
    """`box`, a change of `node` (or of what `node` holds), grown by how far the drawn
    layer styles made from it reach: a shadow moves with the pixels it is made from, a
    group's stroke follows a change of any of its layers."""
    reach = node.style_reach()
    return box.expand(reach) if reach and not box.is_empty() else box


def copy_name(name: str, taken: set[str]) -> str:
    """The name Photoshop gives a duplicate: "cat copy", then "cat copy 2", "cat copy 3"...

    A copy of a copy counts on from the same base instead of growing "copy copy".
    """
    base = re.sub(r" copy( \d+)?$", "", name)
    candidate, n = f"{base} copy", 1
    while candidate in taken:
        n += 1
        candidate = f"{base} copy {n}"
    return candidate


class Document:
    def __init__(self, width: int, height: int, *, max_history_steps: int = 100,
                 max_history_bytes: int = 1 << 30):
        if width <= 0 or height <= 0:
            raise DocumentError(f"A document must have a positive size, not {width}x{height}.")
        self.width = int(width)
        self.height = int(height)
        self.root = Group("root")
        self.root.canvas = self.canvas
        self.active: Optional[Node] = None
        self.selection: Optional[Box] = None
        # The selection painted over an object (Quick Mask): (height, width) uint8,
        # 255 where painted, soft at a brush's edge; None when nothing is painted.
        self.selection_mask: Optional[np.ndarray] = None
        # What was selected before the last Deselect, for Select > Reselect: (box, mask).
        self.last_selection: Optional[tuple] = None
        # Guides (View menu): (horizontal, image position) each; changed by undoable
        # commands like any document state, but not saved in the PSD.
        self.guides: tuple[tuple[bool, float], ...] = ()
        # User slices (Slice tool, `slices.Slice`s, never changed in place); the auto slices
        # are made from them (`slices.auto_boxes`). Undoable; saved in the PSD (1050).
        self.slices: tuple = ()
        # The document's own paths (Photoshop's Paths panel: saved paths and the Work Path,
        # `paths.DocPath`s, never changed in place), in the panel's order; changed by
        # undoable commands and saved in the PSD.
        self.paths: tuple = ()
        # The document's alpha channels (Photoshop's saved selections: `channels.AlphaChannel`s,
        # never changed in place), in the Channels panel's order; changed by `SetChannels`.
        self.channels: tuple = ()
        # The alpha channel chosen in the Channels panel (its uid; None: none), which its
        # Duplicate, Delete and Load Channel as Selection act on. A choice, not an edit.
        # In Lab mode also a Lab channel's name ("Lightness", "a", "b"), which filters and
        # adjustments are then limited to (color_modes.only_channel).
        self.channel_target = None
        # The Channels panel's eyes on Lab's Lightness, a and b (what the canvas shows; a
        # view, not an edit): all on with the composite chosen, one with one channel.
        self.channels_shown = (True, True, True)
        # The patterns defined in the document (Edit > Define Pattern: `patterns.Pattern`s,
        # never changed in place), oldest first; changed by undoable commands and saved
        # in the PSD (its 'Patt' block), where a Pattern fill layer finds its pattern.
        self.patterns: tuple = ()
        # The Layer Comps panel's comps (a `layer_comps.CompsState`, never changed in place:
        # the comps, the one applied last and the Last Document State); changed by
        # `commands.SetLayerComps` and saved in the PSD.
        self.layer_comps = CompsState()
        # The Character and Paragraph Styles panels' styles (a `type_styles.TypeStyles`,
        # never changed in place); changed by `type_styles.SetTypeStyles`, saved in the PSD.
        self.type_styles = TypeStyles()
        # The path the path tools edit and the canvas outlines: a DocPath's uid,
        # VECTOR_MASK_TARGET (the active node's vector mask) or None; a view state, as
        # `active` is (the commands that add or remove a path set it with their step).
        self.path_target = None
        self.path: Optional[str] = None
        # Photoshop's global light (image resources 1037 angle, 1049 altitude) as read from
        # a PSD, written back: the layer effects that use it take their angle from it.
        self.global_light: Optional[dict] = None
        # The XMP packet of the file it came from (bytes; None: none): File Info edits its
        # Basic properties in place (`file_info.set_file_info`, undoable), the rest is kept
        # and written back; and its EXIF block (TIFF-structured, as PSD resource 1058), read
        # only (File Info's Camera Data), written back to a PSD.
        self.xmp: Optional[bytes] = None
        self.exif: Optional[bytes] = None
        # Pixels per inch (`resolution.py`): a PSD's ResolutionInfo, a flat file's DPI,
        # written back; Image Size (Resample off) changes it, File > Print sizes by it.
        self.resolution: float = 72.0
        # The flat image (PNG, JPEG...) this document was opened from; Save asks for a
        # PSD name (suggested from it) rather than flattening the layers into it.
        self.source_path: Optional[str] = None
        # Problems noticed when the document was read (e.g. rasterised text layers).
        self.warnings: list[str] = []
        # (parent document, smart object layer) when this document is a smart object's
        # contents opened by Edit Contents: saving it updates the smart object
        # (smart_object.save_contents).
        self.contents_of: Optional[tuple] = None
        # Image > Mode (color_modes.py): "rgb", "grayscale" (the layers hold R = G = B),
        # "indexed" (one layer in the colours of `palette`, uint8 (n, 3)) or "lab" (colours
        # that 8-bit Lab holds); pixels are RGBA in every mode. Changed by `color_modes.SetColorMode`, saved as the PSD's mode.
        self.color_mode = "rgb"
        self.palette: Optional[np.ndarray] = None
        self.color_mode_changed = Signal()  # ()
        # What the canvas shows has changed inside `box` (None: everywhere) because of `layer`.
        self.region_changed = Signal()     # (box | None, layer | None)
        self.structure_changed = Signal()  # ()
        self.node_changed = Signal()       # (node, attr)
        self.active_changed = Signal()     # (node | None)
        self.selection_changed = Signal()  # (box | None)
        self.selection_mask_changed = Signal()  # (canvas box changed | None: all of it)
        # (node, canvas box) a layer mask's values were painted there; unlike region_changed
        # the box is not clipped to what the node draws (the rubylith shows all of the mask).
        self.mask_pixels_changed = Signal()
        self.size_changed = Signal()       # () the canvas size changed (Image menu)
        self.guides_changed = Signal()     # ()
        self.slices_changed = Signal()     # () the user slices changed
        self.paths_changed = Signal()      # () the document's paths changed
        self.channels_changed = Signal()   # () the document's alpha channels changed
        self.patterns_changed = Signal()   # () a pattern was defined (or that was undone)
        self.layer_comps_changed = Signal()  # () the layer comps (or the applied one) changed
        self.type_styles_changed = Signal()  # () the character or paragraph styles changed
        self.path_target_changed = Signal()  # (target) another path is edited and outlined
        # Brush and Eraser paint the active node's layer mask instead of its pixels
        # (the mask thumbnail was clicked); a view state, not part of the document.
        self.mask_targeted = False
        # Which mask of the active node they paint: its layer mask ("mask") or a smart
        # object's Smart Filters mask ("filter_mask"), both `LayerMask`s painted alike.
        self.mask_target = "mask"
        self.history = History(self, max_history_steps, max_history_bytes)
        # The History panel's snapshots (in memory only) and the History Brush's source.
        self.snapshots = Snapshots(self)

    # -- reading -----------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def canvas(self) -> Box:
        return Box(0, 0, self.width, self.height)

    def nodes(self) -> Iterator[Node]:
        return self.root.walk()

    def layers(self) -> Iterator[Layer]:
        return self.root.layers()

    def contains(self, node: Optional[Node]) -> bool:
        if node is None:
            return False
        top = node
        while top.parent is not None:
            top = top.parent
        return top is self.root

    def find(self, node_id: int) -> Optional[Node]:
        return next((n for n in self.nodes() if n.id == node_id), None)

    def find_by_name(self, name: str) -> Optional[Node]:
        return next((n for n in self.nodes() if n.name == name), None)

    @property
    def active_layer(self) -> Optional[Layer]:
        return self.active if isinstance(self.active, Layer) else None

    @property
    def modified(self) -> bool:
        return not self.history.is_clean

    def nbytes(self) -> int:
        return sum(int(layer.pixels.nbytes) for layer in self.layers())

    def set_active(self, node: Optional[Node]) -> None:
        """Chooses the layer the tools act on (not an undoable change, as in Photoshop)."""
        if node is not None and not self.contains(node):
            raise ValueError(f"{node!r} is not in this document")
        if node is not self.active:
            self.active = node
            # An adjustment layer has no pixels: the brush paints its mask (Photoshop).
            self.mask_targeted = isinstance(node, AdjustmentLayer) and node.mask is not None
            self.mask_target = "mask"
            self.active_changed.emit(node)

    def set_path_target(self, target) -> None:
        """Chooses the path the path tools edit (a DocPath's uid, VECTOR_MASK_TARGET or None:
        none); not an undoable change, as choosing a row of Photoshop's Paths panel."""
        if target is not None and target != VECTOR_MASK_TARGET and \
                not any(p.uid == target for p in self.paths):
            raise ValueError(f"no path {target!r} in this document")
        if target != self.path_target:
            self.path_target = target
            self.path_target_changed.emit(target)

    def set_channel_target(self, uid) -> None:
        """Chooses a channel (an alpha channel's uid, in Lab a colour channel's name; None:
        the composite). Choosing a Lab channel shows it alone, as Photoshop's Channels panel
        does; choosing the composite or an alpha channel (not shown alone here) shows them
        all."""
        from .color_modes import LAB_CHANNELS

        shown = self.channels_shown
        if uid in LAB_CHANNELS:
            shown = tuple(name == uid for name in LAB_CHANNELS)
        elif uid != self.channel_target or uid is None:
            shown = (True, True, True)
        if uid != self.channel_target or shown != self.channels_shown:
            self.channel_target, self.channels_shown = uid, shown
            self.channels_changed.emit()

    def set_channels_shown(self, shown: tuple[bool, bool, bool]) -> None:
        """The Channels panel's eyes on Lightness, a and b (at least one stays on)."""
        shown = tuple(bool(v) for v in shown)
        if any(shown) and shown != self.channels_shown:
            self.channels_shown = shown
            self.channels_changed.emit()

    def lab_channel(self) -> Optional[str]:
        """The one Lab channel targeted ("Lightness", "a", "b"), which filters, adjustments,
        strokes and fills change alone; None: all of them (or not a Lab document)."""
        from .color_modes import LAB_CHANNELS

        target = self.channel_target
        return target if self.color_mode == "lab" and target in LAB_CHANNELS else None

    def set_mask_targeted(self, targeted: bool, which: str = "mask") -> None:
        """Brush and Eraser paint the active node's mask (True) or its pixels (False);
        `which` of its masks: "mask" (its layer mask) or "filter_mask" (Smart Filters')."""
        which = which if targeted else "mask"
        targeted = bool((targeted or isinstance(self.active, AdjustmentLayer))
                        and getattr(self.active, which, None) is not None)
        if not targeted:
            which = "mask"
        if (targeted, which) != (self.mask_targeted, self.mask_target):
            self.mask_targeted, self.mask_target = targeted, which
            self.active_changed.emit(self.active)

    def mask_attr(self, node: Optional[Node]) -> str:
        """The attribute of `node`'s mask the mask-painting paths act on: the targeted one
        when `node` is the active node ("mask" or "filter_mask"), else its layer mask."""
        return self.mask_target if node is not None and node is self.active \
            and self.mask_targeted else "mask"

    def targeted_mask(self):
        """The mask the tools paint (a `LayerMask`), or None when they paint pixels."""
        if not self.mask_targeted or self.active is None:
            return None
        return getattr(self.active, self.mask_target, None)

    def next_layer_name(self, stem: str = "Layer") -> str:
        """"Layer 1", then one more than the highest "Layer N" in the document (as Photoshop
        counts: a "Background" and a "Layer 1" make the next one "Layer 2")."""
        numbers = [int(n.name[len(stem) + 1:]) for n in self.nodes()
                   if n.name.startswith(stem + " ") and n.name[len(stem) + 1:].isdigit()]
        return f"{stem} {max(numbers, default=0) + 1}"

    # -- operations (each is one undoable step) -------------------------------------
    def add_layer(self, layer: Node, parent: Optional[Group] = None, index: Optional[int] = None,
                  name: str = "New Layer") -> Node:
        """Adds a layer or group; by default just above the active node, in its group."""
        if parent is None or index is None:
            parent, index = self._insertion_point(parent)
        index = self._above_background(parent, index)
        self.history.push(cmds.InsertNode(layer, parent, index, name))
        return layer

    def new_layer(self, name: Optional[str] = None) -> Layer:
        """An empty transparent layer above the active one."""
        return self.add_layer(Layer(name or self.next_layer_name()), name="New Layer")

    def add_image(self, pixels: np.ndarray, name: str, x: Optional[int] = None,
                  y: Optional[int] = None, *, history_name: str = "Add Layer",
                  recipe: Optional[dict] = None) -> Layer:
        """Adds pixels as a new layer; centred on the canvas unless x, y are given."""
        pixels = check_pixels(pixels)
        h, w = pixels.shape[:2]
        if x is None:
            x = (self.width - w) // 2
        if y is None:
            y = (self.height - h) // 2
        layer = Layer(name, pixels, x, y, recipe=recipe)
        self.add_layer(layer, name=history_name)
        return layer

    def duplicate(self, node: Node) -> Node:
        copy = node.copy(copy_name(node.name, {n.name for n in self.root.walk()}))
        assert node.parent is not None
        self.history.push(cmds.InsertNode(copy, node.parent, node.index() + 1, "Duplicate Layer"))
        return copy

    def replace_node(self, old: Node, new: Node, name: str) -> None:
        """`new` in `old`'s place in the stack, as one step named `name` (a layer made anew
        from another: rasterized, converted)."""
        parent, index = old.parent, old.index()
        self.history.push(Macro(name, [cmds.RemoveNode(old, name),
                                       cmds.InsertNode(new, parent, index, name)]))

    def delete(self, node: Node) -> None:
        self._check_in_doc(node)
        parent = node.parent
        with self.history.macro("Delete Layer"):
            self.history.push(cmds.RemoveNode(node))
            self._release_baseless([parent], "Delete Layer")

    def rename(self, node: Node, name: str) -> None:
        name = name.strip()
        if not name:
            raise DocumentError("A layer name cannot be empty.")
        self.history.push(cmds.SetAttr(node, "name", name, "Rename Layer"))

    def set_visible(self, node: Node, visible: bool) -> None:
        """Shows or hides `node`: a step, unless History Options has layer visibility
        changes not undoable (then the document is only marked changed; a step being built
        still records it, so its undo puts everything back)."""
        if not self.history.visibility_undoable and not self.history.in_macro:
            if node.visible != bool(visible):
                self._set_attr(node, "visible", bool(visible))
                self.history.touch()
            return
        self.history.push(cmds.SetAttr(node, "visible", bool(visible),
                                       "Show Layer" if visible else "Hide Layer"))

    def set_opacity(self, node: Node, opacity: int, merge_key: Optional[Hashable] = None) -> None:
        """Opacity 0..255; a slider drag passes one merge_key so it becomes one step."""
        opacity = int(max(0, min(255, opacity)))
        if opacity != node.opacity:
            refuse_on_background(node, "an opacity")
        self.history.push(cmds.SetAttr(node, "opacity", opacity, "Opacity", merge_key))

    def set_fill_opacity(self, node: Node, fill: int, merge_key: Optional[Hashable] = None) -> None:
        """Photoshop's Fill 0..255 (fades the layer's pixels, not its effects); as Opacity,
        a slider drag passes one merge_key so it becomes one step."""
        fill = int(max(0, min(255, fill)))
        if fill != node.fill_opacity:
            refuse_on_background(node, "a Fill opacity")
        self.history.push(cmds.SetAttr(node, "fill_opacity", fill, "Fill Opacity", merge_key))

    def set_knockout(self, node: Node, knockout: str) -> None:
        """Advanced Blending's Knockout: one of `layers.KNOCKOUTS`."""
        from .layers import KNOCKOUTS

        if knockout != node.knockout:
            refuse_on_background(node, "a knockout")
        if knockout not in KNOCKOUTS:
            raise DocumentError(f"unknown knockout '{knockout}'")
        if knockout != node.knockout:
            self.history.push(cmds.SetAttr(node, "knockout", knockout, "Knockout"))

    def set_channels(self, node: Node, channels) -> None:
        """Advanced Blending's channels: (R, G, B), whether the node's blending changes
        each."""
        channels = tuple(bool(c) for c in channels)
        if len(channels) != 3:
            raise DocumentError("channels are three flags: R, G, B")
        if channels != node.channels:
            self.history.push(cmds.SetAttr(node, "channels", channels, "Blending Channels"))

    def set_blending_option(self, node: Node, attr: str, on: bool) -> None:
        """One of Advanced Blending's flags (`layers.BLENDING_OPTIONS`: Blend Interior
        Effects as Group...), one step."""
        from .layers import BLENDING_OPTIONS

        labels = {a: label for a, _, _, label in BLENDING_OPTIONS}
        if attr not in labels:
            raise DocumentError(f"unknown blending option '{attr}'")
        if bool(on) != getattr(node, attr):
            self.history.push(cmds.SetAttr(node, attr, bool(on), labels[attr]))

    def set_blend_mode(self, node: Node, mode: str) -> None:
        if mode != node.blend_mode:
            refuse_on_background(node, "a blend mode")
        allowed = GROUP_BLEND_MODES if isinstance(node, Group) else BLEND_MODES
        if mode not in allowed:
            raise DocumentError(f"Unknown blend mode '{mode}'.")
        self.history.push(cmds.SetAttr(node, "blend_mode", mode, "Blending Change"))

    def set_locked(self, node: Node, locked: bool) -> None:
        self.history.push(cmds.SetAttr(node, "locked", bool(locked),
                                       "Lock Layer" if locked else "Unlock Layer"))

    def unlock_all(self, node: Node) -> None:
        """Takes Lock All and every partial lock off `node`; one undo step."""
        with self.history.macro("Unlock Layer"):
            if node.locked:
                self.set_locked(node, False)
            if node.locks.any():
                self.history.push(cmds.SetAttr(node, "locks", NO_LOCKS, "Unlock Layer"))

    def set_lock(self, node: Node, kind: str, on: bool) -> None:
        """Photoshop's lock buttons: `kind` "transparency", "pixels", "position" (a partial
        lock, `Locks`) or "all" (`set_locked`); one undo step."""
        if kind == "all":
            self.set_locked(node, on)
            return
        if kind not in LOCK_LABELS:
            raise DocumentError(f"Unknown lock '{kind}'.")
        locks = dataclasses.replace(node.locks, **{kind: bool(on)})
        if locks != node.locks:
            self.history.push(cmds.SetAttr(node, "locks", locks,
                                           f"{'Lock' if on else 'Unlock'} {LOCK_LABELS[kind]}"))

    def set_recipe(self, layer: Layer, recipe: Optional[dict]) -> None:
        self.history.push(cmds.SetAttr(layer, "recipe", dict(recipe) if recipe else None, "Recipe"))

    def set_effects(self, node: Node, effects, name: str = "Layer Style") -> None:
        """Replaces `node`'s layer style (layer_effects.LayerEffects, None: cleared), one step."""
        if effects is not None:
            refuse_on_background(node, "a layer style")
        self.history.push(cmds.SetAttr(node, "effects", effects, name))

    def preview_effects(self, node: Node, effects) -> None:
        """Shows `effects` on `node` without recording a step: the Layer Style dialog's live
        preview. The dialog ends by previewing the style it started from again, then, for
        OK, `set_effects` with its own: one step."""
        if effects is not node.effects:
            self._set_attr(node, "effects", effects)

    def preview_blending(self, node: Node, knockout: str, channels: tuple) -> None:
        """Shows Advanced Blending's `knockout` and `channels` on `node` without a step (the
        Layer Style dialog's live preview, as `preview_effects`)."""
        for attr, value in (("knockout", knockout), ("channels", tuple(channels))):
            if getattr(node, attr) != value:
                self._set_attr(node, attr, value)

    def preview_blending_options(self, node: Node, options: dict) -> None:
        """Shows Advanced Blending's flags (`options`: attribute -> on, of
        `layers.BLENDING_OPTIONS`) on `node` without a step, as `preview_blending`."""
        for attr, on in options.items():
            if getattr(node, attr) != bool(on):
                self._set_attr(node, attr, bool(on))

    def set_effects_visible(self, visible: bool) -> None:
        """Layer > Layer Style > Show/Hide All Effects: the master switch of every layer's
        style in the document, as one step."""
        name = "Show All Effects" if visible else "Hide All Effects"
        with self.history.macro(name):
            for node in list(self.root.walk()):
                if node.effects is not None and node.effects.enabled != visible:
                    self.history.push(cmds.SetAttr(node, "effects",
                                                   node.effects.with_enabled(visible), name))

    def reorder(self, node: Node, parent: Group, index: int) -> None:
        """Moves `node` into `parent` at `index` (the index it will have afterwards)."""
        if node is parent or any(g is node for g in parent.ancestors()):
            raise DocumentError("A group cannot be moved into itself.")
        if node.is_background and (parent is not node.parent or index != node.index()):
            raise DocumentError("The Background layer stays at the bottom of the stack: make "
                                "it a layer first (Layer > New > Layer from Background…).")
        length = len(parent.children) - (1 if node.parent is parent else 0)
        index = max(0, min(index, length))
        if not node.is_background:  # nothing goes below the Background (Photoshop's)
            index = self._above_background(parent, index)
        old = node.parent
        was_base = self._is_clipping_base(node)
        with self.history.macro("Reorder Layers"):
            self.history.push(cmds.MoveNode(node, parent, index))
            # A clipped node dropped at the bottom of a group, or left there by its base
            # moving away, has nothing to clip to: released in the same step (Photoshop).
            self._release_baseless([parent, old], "Reorder Layers")
            # An unclipped node dropped into a clipping group (under a clipped node, over
            # its base or another clipped node) joins it, as in Photoshop: otherwise the
            # clipped nodes above would clip to it instead of their base. A base moved
            # within its own stack is left as it is.
            i = node.index()
            if not node.clipping and not was_base and 0 < i < len(parent.children) - 1 \
                    and parent.children[i + 1].clipping:
                self.history.push(cmds.SetAttr(node, "clipping", True, "Reorder Layers"))

    def raise_node(self, node: Node, steps: int = 1) -> None:
        assert node.parent is not None
        self.reorder(node, node.parent, node.index() + steps)

    def translate(self, layer: Node, dx: int, dy: int, merge_key: Optional[Hashable] = None) -> None:
        """Moves a layer (or every layer of a group) by dx, dy canvas pixels."""
        if dx == 0 and dy == 0:
            return
        self._check_unlocked(layer)
        self._check_lock(layer, "position")
        if isinstance(layer, Layer):
            self.history.push(cmds.Translate(layer, dx, dy, merge_key=merge_key))
            return
        assert isinstance(layer, Group)
        with self.history.macro("Move"):
            for child in layer.layers():
                self.history.push(cmds.Translate(child, dx, dy))
            for group in [layer, *(n for n in layer.walk() if isinstance(n, Group))]:
                if group.mask is not None and group.mask.linked:  # a group's mask moves along
                    moved = group.mask.shared_copy()
                    moved.x, moved.y = moved.x + dx, moved.y + dy
                    self.history.push(cmds.SetMask(group, moved, "Move"))
                vector = group.vector_mask
                if vector is not None and vector.linked:  # and so does its path
                    self.history.push(cmds.SetAttr(group, "vector_mask",
                                                   vector.translated(dx, dy), "Move"))
                if group.artboard is not None:  # an artboard's rectangle moves with its content
                    self.history.push(cmds.SetAttr(group, "artboard",
                                                   group.artboard.translated(dx, dy), "Move"))

    def set_pixels(self, layer: Layer, pixels: np.ndarray, x: Optional[int] = None,
                   y: Optional[int] = None, name: str = "Edit Pixels") -> None:
        self._check_unlocked(layer)
        self._check_lock(layer, "pixels")
        _check_has_pixels(layer)
        pixels = check_pixels(pixels)
        self.history.push(cmds.SetPixels(layer, pixels, layer.x if x is None else x,
                                         layer.y if y is None else y, name))

    def begin_pixel_edit(self, layer: Layer, name: str = "Brush",
                         cover: Optional[Box] = None) -> "cmds.PixelEdit":
        """Starts an in-place edit (a stroke). If `cover` (canvas box) lies partly outside
        the layer, the layer first grows to hold it; both happen in one undo step.
        Finish with `end_pixel_edit`. A layer with Lock Transparent Pixels does not grow:
        what lies beyond it is transparent and stays so."""
        self._check_unlocked(layer)
        self._check_lock(layer, "pixels")
        _check_has_pixels(layer)
        cover = cover if cover is not None else self.canvas
        grown = None if layer.transparency_locked() else self._grow_command(layer, cover)
        edit = cmds.PixelEdit(layer, name)
        edit.channel = self.lab_channel()  # (one Lab channel targeted: it alone changes)
        edit.grown = grown  # type: ignore[attr-defined]
        return edit

    def end_pixel_edit(self, edit: "cmds.PixelEdit") -> None:
        grown = getattr(edit, "grown", None)
        if grown is None:
            self.history.push(edit, applied=True)
            return
        macro = Macro(edit.name, [grown, edit]) if not edit.is_noop() else None
        if macro is None:  # nothing painted: take the growth back silently
            grown.undo(self)
            return
        self.history.push(macro, applied=True)

    def merge_down(self, layer: Layer) -> Layer:
        """Bakes `layer` (its blend mode and opacity) into the layer below it."""
        parent = layer.parent
        assert parent is not None
        i = layer.index()
        if i == 0 or not isinstance(parent.children[i - 1], Layer) \
                or isinstance(parent.children[i - 1], AdjustmentLayer):
            raise DocumentError("Merge Down needs a pixel layer directly below.")
        below = parent.children[i - 1]
        assert isinstance(below, Layer)
        self._check_unlocked(below)
        self._check_lock(below, "pixels")
        box = below.bounds().union(layer.bounds()) if not layer.is_empty() else below.bounds()
        if isinstance(layer, FillLayer):  # its colour lands wherever it shows on the canvas
            box = box.union(layer.content_bounds(self.canvas))
        if below.is_background:  # the Background keeps the canvas's size (and stays opaque)
            box = below.bounds()
        base = Layer(below.name, below.pixels, below.x, below.y)
        base.mask = below.active_mask()  # masks are baked into the merged pixels
        # So is its Fill, which fades its own pixels but not what is clipped to it (nor
        # what merges into it); a style's effects are made from its unfaded pixels, so a
        # styled layer keeps its Fill.
        bake_fill = below.fill_opacity != 255 and not (below.effects is not None
                                                        and below.effects.drawn())
        if bake_fill:
            base.fill_opacity = below.fill_opacity
        top = layer.copy(share=True)
        # Clipped to `below` (its base): drawn through its alpha. Both clipped to one base
        # below them: combined as they show, and the result stays clipped to that base.
        top.clipping = layer.clipping and not below.clipping
        merged = composite_nodes([base, top], box)
        with self.history.macro("Merge Down"):
            if below.mask is not None:
                self.history.push(cmds.SetMask(below, None, "Merge Down"))
            if below.vector_mask is not None:
                self.history.push(cmds.SetAttr(below, "vector_mask", None, "Merge Down"))
            self.history.push(cmds.SetPixels(below, merged, box.x, box.y))
            if bake_fill:
                self.history.push(cmds.SetAttr(below, "fill_opacity", 255, "Merge Down"))
            self.history.push(cmds.RemoveNode(layer))
            self.set_active(below)
        return below

    def flatten(self) -> Layer:
        """Replaces every layer with one layer holding what the canvas shows (hidden
        layers are discarded, as Photoshop's Flatten Image)."""
        return self._merge_shown("Flatten Image", keep_hidden=False)

    def merge_visible(self) -> Layer:
        """Photoshop's Merge Visible: every shown layer merged into one (with what lies
        beyond the canvas), where the lowest of them was and named after it; hidden
        layers are kept, a group holding some keeps them. One step."""
        return self._merge_shown("Merge Visible", keep_hidden=True)

    def _merge_shown(self, name: str, keep_hidden: bool) -> Layer:
        """The one path of Flatten Image and Merge Visible: the composite of the shown
        layers replaces them (all layers, for Flatten) in one layer."""
        shown = [n for n in self.root.walk() if isinstance(n, Layer) and n.is_shown()]
        if keep_hidden and not shown:  # (Flatten of hidden layers only: a transparent one)
            raise DocumentError("There are no visible layers to merge.")
        gone = [n for n in self.root.children if not keep_hidden or _shown_only(n)]
        if keep_hidden:
            box = merge_reach(self.canvas, shown)  # beyond the canvas too
            pixels, x, y = composite_document(self, box), box.x, box.y
            pixels, x, y = trimmed_to_opaque(pixels, x, y) or (pixels, x, y)
            lowest = next(n for n in self.root.children if _any_shown(n))
            index = sum(1 for n in self.root.children[:lowest.index()] if n not in gone)
            pixel_layers = [n for n in shown if not isinstance(n, AdjustmentLayer)]
            merged = Layer((pixel_layers or shown)[0].name, pixels, x, y)
            if lowest.is_background:  # merged into the Background, it stays the Background
                merged = Layer(lowest.name, composite_document(self), 0, 0)
                merged.is_background = True
        else:  # Photoshop's Flatten Image gives a Background; what is transparent in the
            # picture shows white there, as in Photoshop (its default background colour)
            merged, index = Layer("Background", _on_white(composite_document(self)), 0, 0), 0
            merged.is_background = True
        with self.history.macro(name):
            for node in gone:
                self.history.push(cmds.RemoveNode(node, name))
            if keep_hidden:  # inside groups that hold hidden nodes, the shown ones go
                for node in [n for n in self.root.walk() if _shown_only(n)
                             and n.parent is not self.root and n.is_shown()]:
                    if self.contains(node):
                        self.history.push(cmds.RemoveNode(node, name))
            self.history.push(cmds.InsertNode(merged, self.root, index, name))
            self._release_baseless([self.root, *(g for g in self.root.walk()
                                                 if isinstance(g, Group))], name)
            if merged.index() + 1 < len(self.root.children) and \
                    self.root.children[merged.index() + 1].clipping:
                # Hidden layers clipped to a base that merged away: released, not clipped
                # to the merged picture.
                for node in itertools.takewhile(lambda n: n.clipping,
                                                self.root.children[merged.index() + 1:]):
                    self.history.push(cmds.SetAttr(node, "clipping", False, name))
        return merged

    def stamp_visible(self) -> Layer:
        """Photoshop's Stamp Visible (Shift+Ctrl+Alt+E): a new layer holding what the canvas
        shows, above the top-level node that holds the active one (and above the layers
        clipped to it, so no clipping changes); nothing else changes. One step."""
        pixels = composite_document(self)
        box = opaque_bounds(pixels)
        if box is None:
            raise DocumentError("Nothing is visible to stamp: show a layer first.")
        layer = Layer(self.next_layer_name(), pixels[box.slices()].copy(), box.x, box.y)
        index = len(self.root.children)
        if self.active is not None and self.contains(self.active):
            top = next(n for n in [self.active, *self.active.ancestors()]
                       if n.parent is self.root)
            index = top.index() + 1
            while index < len(self.root.children) and self.root.children[index].clipping:
                index += 1
        self.history.push(cmds.InsertNode(layer, self.root, index, "Stamp Visible"))
        return layer

    def group(self, nodes: Iterable[Node], name: Optional[str] = None) -> Group:
        """Puts `nodes` (siblings or not) into a new group where the topmost one was.

        Clipped nodes that end at the bottom of the group have no base there: they are
        released, and when they were all clipped to one base that is still the nearest
        unclipped node under the group, the group is clipped to it instead (Photoshop's
        Group Layers on clipped layers), so the picture, the Layers panel and the saved
        file stay as they were."""
        nodes = [n for n in nodes if n is not self.root]
        if not nodes:
            raise DocumentError("Select one or more layers to group.")
        for node in nodes:
            self._check_in_doc(node)
            if node.is_background:
                raise DocumentError("The Background layer cannot go into a group: make it a "
                                    "layer first (Layer > New > Layer from Background…).")
        order = {id(n): i for i, n in enumerate(self.nodes())}
        nodes.sort(key=lambda n: order[id(n)])
        top = nodes[-1]
        assert top.parent is not None
        group = Group(name or self.next_layer_name("Group"))
        loose = list(itertools.takewhile(lambda n: n.clipping, nodes))
        bases = {id(clipping_base(n)): clipping_base(n) for n in loose}
        left = [n.parent for n in nodes]
        with self.history.macro("Group Layers"):
            self.history.push(cmds.InsertNode(group, top.parent, top.index() + 1))
            for i, node in enumerate(nodes):
                self.history.push(cmds.MoveNode(node, group, i))
            self._release_baseless([group], "Group Layers")
            under = [n for n in group.parent.children[:group.index()] if not n.clipping]
            if len(bases) == 1 and under and under[-1] is next(iter(bases.values())):
                self.history.push(cmds.SetAttr(group, "clipping", True, "Group Layers"))
            self._release_baseless(left, "Group Layers")  # their base was grouped away
            self.set_active(group)
        return group

    def ungroup(self, group: Group) -> None:
        """Puts the group's children where it was and removes it. A group clipped to a base
        hands its clip to its children (those not clipped inside it), so they stay clipped
        to that base and the picture does not change (Photoshop clips one level deep: layers
        clipped to a child inside the group are then clipped to that base too)."""
        parent = group.parent
        assert parent is not None
        base = clipping_base(group)
        with self.history.macro("Ungroup Layers"):
            index = group.index()
            children = list(group.children)
            for i, child in enumerate(children):
                self.history.push(cmds.MoveNode(child, parent, index + i))
            self.history.push(cmds.RemoveNode(group))
            if base is not None:
                for child in children:
                    if not child.clipping:
                        self.history.push(cmds.SetAttr(child, "clipping", True,
                                                       "Ungroup Layers"))
            self._release_baseless([parent], "Ungroup Layers")  # an empty base went
            if children:
                self.set_active(children[-1])

    def set_selection(self, box: Optional[Box], name: Optional[str] = None) -> None:
        """Sets the selection box; None deselects (the box and the painted mask)."""
        if box is not None:
            box = box.clip(self.width, self.height)
            if box.is_empty():
                box = None
        if box is None and (self.selection is not None or self.selection_mask is not None):
            self.last_selection = (self.selection, self.selection_mask)  # for Reselect
        if box is None and self.selection_mask is not None:
            with self.history.macro(name or "Deselect"):
                if self.selection is not None:
                    self.history.push(cmds.SetSelection(None, name))
                self.history.push(cmds.SetSelectionMask(None, name or "Deselect"))
            return
        if box == self.selection:
            return
        self.history.push(cmds.SetSelection(box, name))

    def set_guides(self, guides, name: str) -> None:
        """Replaces the guides ((horizontal, position) pairs) in one undo step."""
        guides = tuple((bool(h), float(v)) for h, v in guides)
        if guides != self.guides:
            self.history.push(cmds.SetGuides(guides, name))

    def set_slices(self, slices, name: str) -> None:
        """Replaces the user slices (`slices.Slice`s) in one undo step."""
        slices = tuple(slices)
        if slices != self.slices:
            self.history.push(cmds.SetSlices(slices, name))

    def begin_mask_edit(self, name: str = "Quick Mask") -> "cmds.MaskEdit":
        """Starts a stroke on the painted selection mask (created if there is none);
        finish with `end_mask_edit`."""
        return cmds.MaskEdit(self, name)

    def end_mask_edit(self, edit: "cmds.MaskEdit") -> None:
        if edit.is_noop():
            if edit.created:  # nothing painted: no mask after all
                self._set_selection_mask(None)
            return
        self.history.push(edit, applied=True)

    def clear_selection_mask(self) -> None:
        if self.selection_mask is not None:
            self.history.push(cmds.SetSelectionMask(None))

    def crop_layer_to_content(self, layer: Layer) -> None:
        """Shrinks a layer to the box of its non-transparent pixels (pixels unchanged)."""
        box = opaque_bounds(layer.pixels)
        if box is None:
            self.set_pixels(layer, np.zeros((0, 0, 4), np.uint8), 0, 0, "Trim Layer")
        elif box != Box(0, 0, layer.width, layer.height):
            self.set_pixels(layer, layer.pixels[box.slices()].copy(), layer.x + box.x,
                            layer.y + box.y, "Trim Layer")

    def flip(self, node: Node, horizontal: bool) -> None:
        """Mirrors a layer, or a group's layers as one picture, within its bounds. One step."""
        if horizontal:
            self._transform_layers(node, "Flip Horizontal", lambda p: p[:, ::-1],
                                   lambda f, b: (f.x + f.x1 - b.x1, b.y),
                                   lambda f, p: np.column_stack([f.x + f.x1 - p[:, 0], p[:, 1]]))
        else:
            self._transform_layers(node, "Flip Vertical", lambda p: p[::-1],
                                   lambda f, b: (b.x, f.y + f.y1 - b.y1),
                                   lambda f, p: np.column_stack([p[:, 0], f.y + f.y1 - p[:, 1]]))

    def rotate_half(self, node: Node) -> None:
        """Turns a layer, or a group's layers as one picture, by 180° within its bounds (Edit >
        Transform > Rotate 180°): both flips at once, so exact. One step."""
        self._transform_layers(node, "Rotate 180°", lambda p: p[::-1, ::-1],
                               lambda f, b: (f.x + f.x1 - b.x1, f.y + f.y1 - b.y1),
                               lambda f, p: np.column_stack([f.x + f.x1 - p[:, 0],
                                                             f.y + f.y1 - p[:, 1]]))

    def rotate_quarter(self, node: Node, direction: int) -> None:
        """Turns a layer, or a group's layers as one picture, by 90° about its bounds' centre:
        clockwise for `direction` > 0. One step."""
        def place(frame: Box, box: Box) -> tuple[int, int]:
            # Top-left of `box` after the turn. Half pixels round up, the same way for every
            # layer, so a group's layers keep together.
            cx, cy = frame.x + frame.w / 2, frame.y + frame.h / 2
            if direction > 0:
                x, y = cx - (box.y1 - cy), cy + (box.x - cx)
            else:
                x, y = cx + (box.y - cy), cy - (box.x1 - cx)
            return math.floor(x + 0.5), math.floor(y + 0.5)

        def turn(frame: Box, p: np.ndarray) -> np.ndarray:
            # Canvas points turned as the pixels are: about the centre, then by the shift
            # that puts the turned frame on whole pixels as `place` puts it.
            cx, cy = frame.x + frame.w / 2, frame.y + frame.h / 2
            sign = 1 if direction > 0 else -1
            x, y = cx - sign * (p[:, 1] - cy), cy + sign * (p[:, 0] - cx)
            corner = np.array([[frame.x, frame.y], [frame.x1, frame.y1]], np.float64)
            ex = (cx - sign * (corner[:, 1] - cy)).min()
            ey = (cy + sign * (corner[:, 0] - cx)).min()
            rx, ry = place(frame, frame)
            return np.column_stack([x + rx - ex, y + ry - ey])

        name = "Rotate 90° Clockwise" if direction > 0 else "Rotate 90° Counter Clockwise"
        self._transform_layers(node, name, lambda p: np.rot90(p, -direction), place, turn)

    def _transform_layers(self, node: Node, name: str, fn, place, points) -> None:
        """Applies `fn` to the pixels of `node`, or of every layer of the group `node`, and
        puts each layer's new box at `place(frame, old box)`, the frame being the node's
        bounds: a group flips or turns as one picture. Linked masks (the layers' and the
        group's own) flip or turn with them; unlinked ones stay put."""
        if not isinstance(node, (Layer, Group)):
            raise DocumentError("Select a layer or a group to transform.")
        self._check_in_doc(node)
        self._check_unlocked(node)
        raise_if_locked(node, "pixels", derived_ok=transforms_placements(node))
        self._check_lock(node, "position")
        frame = transform_frame(node)
        layers = [node] if isinstance(node, Layer) else list(node.layers())
        with self.history.macro(name):
            for layer in layers:
                if getattr(layer, "transforms_placement", False):
                    # A smart object: its placement's corners go where its pixels would,
                    # and it is drawn anew from its contents.
                    from .smart_object import set_placement

                    corners = points(frame, np.array(layer.placement, np.float64))
                    set_placement(self, layer, tuple(map(tuple, corners.tolist())), name)
                elif not layer.is_empty():
                    x, y = place(frame, layer.bounds())
                    self.set_pixels(layer, np.ascontiguousarray(fn(layer.pixels)), x, y, name)
            for which in ("mask", "filter_mask"):
                for masked in linked_masks(node, which):
                    mask = getattr(masked, which)
                    moved = mask.remapped(fn, *place(frame, mask.bounds()))
                    self.history.push(cmds.SetMask(masked, moved, name, which))
            self.transform_paths(node, lambda p: points(frame, p), name)

    def transform_paths(self, node: Node, points, name: str) -> None:
        """Sends the linked vector masks of `node` (and of its group's nodes) through
        `points` ((N, 2) canvas points -> (N, 2)), with a transform of their layers."""
        for masked in linked_paths(node):
            self.history.push(cmds.SetAttr(masked, "vector_mask",
                                           masked.vector_mask.mapped(points), name))

    @staticmethod
    def _is_clipping_base(node: Node) -> bool:
        """True when nodes are clipped to `node` (the node above it is clipped)."""
        parent = node.parent
        if parent is None or node.clipping:
            return False
        i = parent.children.index(node)
        return i + 1 < len(parent.children) and parent.children[i + 1].clipping

    def _release_baseless(self, groups: Iterable[Optional[Group]], name: str) -> None:
        """Releases the clipped nodes at the bottom of each of `groups`: with no unclipped
        node under them they have nothing to clip to, so they are drawn and saved as they
        are (Photoshop releases a layer that lands there). Part of the caller's step, so the
        Layers panel never shows a clip that the canvas and the PSD do not."""
        seen: set[int] = set()
        for group in groups:
            if group is None or id(group) in seen:
                continue
            seen.add(id(group))
            for node in list(itertools.takewhile(lambda n: n.clipping, group.children)):
                self.history.push(cmds.SetAttr(node, "clipping", False, name))

    # -- low-level mutators: called only by commands ----------------------------------
    def _insert(self, node: Node, parent: Group, index: int) -> None:
        node.parent = parent
        parent.children.insert(index, node)
        self.structure_changed.emit()
        box = node.drawn_bounds().union(clipped_above(parent, index + 1))
        self.region_changed.emit(styled_reach(box, node), None)

    def _remove(self, node: Node) -> tuple[Group, int]:
        parent = node.parent
        assert parent is not None
        index = parent.children.index(node)
        del parent.children[index]
        node.parent = None
        if self.active is node or (self.active is not None and not self.contains(self.active)):
            self.active = None
            self.active_changed.emit(None)
        self.structure_changed.emit()
        box = node.drawn_bounds().union(clipped_above(parent, index))
        self.region_changed.emit(styled_reach(box, parent), None)
        return parent, index

    def _set_color_mode(self, mode: str, palette: Optional[np.ndarray]) -> None:
        self.color_mode, self.palette = mode, palette
        if isinstance(self.channel_target, str) or not all(self.channels_shown):
            self.set_channel_target(None)  # a Lab channel (Lightness, a, b): gone
        self.color_mode_changed.emit()

    def _set_attr(self, node: Node, attr: str, value) -> None:
        before = node.drawn_bounds()  # (effects: the old style may reach further)
        setattr(node, attr, value)
        self.node_changed.emit(node, attr)
        if attr == "effects":
            self.structure_changed.emit()  # the Layers panel shows or hides its fx mark
            self.region_changed.emit(styled_reach(before.union(node.drawn_bounds()), node),
                                     node if isinstance(node, Layer) else None)
        elif attr == "is_background":  # the Layers panel's row; what knockouts reach
            self.structure_changed.emit()
            self.region_changed.emit(self.canvas, None)
        elif attr == "artboard":  # where it was and where it is now are redrawn
            self.region_changed.emit(before.union(node.drawn_bounds()), None)
        elif attr in ("visible", "opacity", "fill_opacity", "blend_mode", "clipping", "settings",
                      "vector_mask", "stroke", "knockout", "channels") + _OPTION_ATTRS:
            # Clipping changes how the node is drawn (with its base, not alone), and Advanced
            # Blending what it reads below it: no layer, so the Renderer's caches around
            # that layer go.
            layer = node if isinstance(node, Layer) and attr not in (
                "clipping", "knockout", "channels") + _OPTION_ATTRS else None
            box = node.drawn_bounds()
            if attr == "clipping" and node.parent is not None:
                box = box.union(clipped_above(node.parent, node.index() + 1))
            self.region_changed.emit(styled_reach(box, node), layer)

    def _set_offset(self, layer: Layer, x: int, y: int) -> None:
        old = layer.bounds()
        if layer.mask is not None and layer.mask.linked:  # a linked mask moves with its layer
            layer.mask.x += int(x) - layer.x
            layer.mask.y += int(y) - layer.y
        if layer.vector_mask is not None and layer.vector_mask.linked:  # so does its path
            layer.vector_mask = layer.vector_mask.translated(int(x) - layer.x, int(y) - layer.y)
        filter_mask = getattr(layer, "filter_mask", None)
        if filter_mask is not None and filter_mask.linked:  # and a Smart Filters mask
            filter_mask.x += int(x) - layer.x
            filter_mask.y += int(y) - layer.y
        effects = layer.effects
        if effects is not None and effects.reference_point is not None:
            # The style's reference point ('fxrp') moves along: a pattern overlay linked
            # with the layer keeps its place on it.
            rx, ry = effects.reference_point
            layer.effects = dataclasses.replace(
                effects, reference_point=(rx + int(x) - layer.x, ry + int(y) - layer.y))
        if getattr(layer, "transforms_placement", False):  # a smart object's placement
            layer.placement = layer.moved_placement(int(x) - layer.x, int(y) - layer.y)
        layer.x, layer.y = int(x), int(y)
        self.node_changed.emit(layer, "offset")
        self.region_changed.emit(styled_reach(old.union(layer.drawn_bounds()), layer), layer)

    def _set_pixels(self, layer: Layer, pixels: np.ndarray, x: int, y: int) -> None:
        layer.changed()
        old = layer.bounds()
        layer.pixels, layer.x, layer.y = pixels, int(x), int(y)
        self.node_changed.emit(layer, "pixels")
        self.region_changed.emit(styled_reach(old.union(layer.bounds()), layer), layer)

    def _pixels_edited(self, layer: Layer, local_box: Box) -> None:
        layer.changed(local_box)
        self.node_changed.emit(layer, "pixels")
        self.region_changed.emit(styled_reach(local_box.translate(layer.x, layer.y), layer),
                                 layer)

    def _set_mask(self, node: Node, mask, which: str = "mask") -> None:
        node.changed()
        setattr(node, which, mask)
        if self.active is node and self.mask_attr(node) == which:
            self.mask_targeted = mask is not None and (self.mask_targeted
                                                       or isinstance(node, AdjustmentLayer))
            if not self.mask_targeted:
                self.mask_target = "mask"
        if which != "mask":  # the Smart Filters mask: the filtered pixels shown anew
            from .smart_filters import remask

            remask(self, node, None)
            return
        self.node_changed.emit(node, "mask")
        self.structure_changed.emit()  # the Layers panel shows or hides the thumbnail
        self.region_changed.emit(styled_reach(node.drawn_bounds(), node),
                                 node if isinstance(node, Layer) else None)

    def _set_mask_attr(self, node: Node, attr: str, value, which: str = "mask") -> None:
        node.changed()
        mask = getattr(node, which)
        assert mask is not None
        setattr(mask, attr, value)
        if which != "mask":
            from .smart_filters import remask

            remask(self, node, None)
            return
        self.node_changed.emit(node, "mask")
        self.region_changed.emit(styled_reach(node.drawn_bounds(), node),
                                 node if isinstance(node, Layer) else None)

    def _mask_pixels_edited(self, node: Node, local_box: Box, which: str = "mask") -> None:
        if which != "mask":  # the Smart Filters mask: the filtered pixels shown there anew
            from .smart_filters import remask

            mask = getattr(node, which)
            remask(self, node, local_box.translate(mask.x, mask.y))
            return
        if isinstance(node, Layer):  # in the layer's own coordinates
            node.changed(local_box.translate(node.mask.x - node.x, node.mask.y - node.y))
        else:
            node.changed()
        assert node.mask is not None
        self.node_changed.emit(node, "mask_pixels")
        painted = local_box.translate(node.mask.x, node.mask.y)
        self.mask_pixels_changed.emit(node, painted)
        box = styled_reach(painted.intersect(node.drawn_bounds()), node)
        self.region_changed.emit(box, node if isinstance(node, Layer) else None)

    def _set_selection(self, box: Optional[Box]) -> None:
        self.selection = box
        self.selection_changed.emit(box)

    def _set_guides(self, guides: tuple) -> None:
        self.guides = guides
        self.guides_changed.emit()

    def _set_slices(self, slices: tuple) -> None:
        self.slices = slices
        self.slices_changed.emit()

    def _set_selection_mask(self, mask: Optional[np.ndarray]) -> None:
        self.selection_mask = mask
        self.selection_mask_changed.emit(None)

    def _set_size(self, width: int, height: int) -> None:
        self.width, self.height = int(width), int(height)
        self.root.canvas = self.canvas
        self.size_changed.emit()
        self.structure_changed.emit()  # panels redraw (thumbnails show the new canvas)
        self.region_changed.emit(None, None)

    def _set_paths(self, paths: tuple, target) -> None:
        self.paths = tuple(paths)
        self.paths_changed.emit()
        if target is not None and target != VECTOR_MASK_TARGET and \
                not any(p.uid == target for p in self.paths):
            target = None  # (a path the step removed)
        self.set_path_target(target)

    def _set_channels(self, channels: tuple) -> None:
        self.channels = tuple(channels)
        self.channels_changed.emit()

    def _set_layer_comps(self, state) -> None:
        self.layer_comps = state
        self.layer_comps_changed.emit()

    def _set_type_styles(self, state) -> None:
        self.type_styles = state
        self.type_styles_changed.emit()

    def _set_patterns(self, patterns: tuple) -> None:
        self.patterns = tuple(patterns)
        self.patterns_changed.emit()

    def _mask_edited(self, box: Box) -> None:
        self.selection_mask_changed.emit(box)

    # -- helpers ------------------------------------------------------------------
    def _insertion_point(self, parent: Optional[Group]) -> tuple[Group, int]:
        if parent is not None:
            return parent, len(parent.children)
        active = self.active
        if isinstance(active, Group) and active.expanded:
            return active, len(active.children)
        if active is not None and active.parent is not None:
            return active.parent, active.index() + 1
        return self.root, len(self.root.children)

    def _above_background(self, parent: Group, index: int) -> int:
        """`index` in `parent`, raised above the Background when it would go below it."""
        children = parent.children
        if parent is self.root and index <= 0 and children and children[0].is_background:
            return 1
        return index

    def _check_in_doc(self, node: Node) -> None:
        if not self.contains(node) or node is self.root:
            raise DocumentError(f"'{node.name}' is not a layer of this document.")

    def _check_unlocked(self, node: Node) -> None:
        if node.is_locked():
            raise LockedError(f"Layer '{node.name}' is locked.", )

    def _check_lock(self, node: Node, kind: str) -> None:
        """Refuses, in one line naming the lock and where it is set, a change that `node`'s
        Lock Image Pixels or Lock Position (`kind`: "pixels", "position"; its own, a group's
        or, for a group, one of its layers') forbids."""
        raise_if_locked(node, kind)

    def _grow_command(self, layer: Layer, cover: Box) -> Optional[cmds.SetPixels]:
        bounds = layer.bounds()
        if not layer.is_empty() and bounds.intersect(cover) == cover:
            return None
        box = cover if layer.is_empty() else bounds.union(cover)
        grown = np.zeros((box.h, box.w, 4), np.uint8)
        if not layer.is_empty():
            grown[bounds.translate(-box.x, -box.y).slices()] = layer.pixels
        cmd = cmds.SetPixels(layer, grown, box.x, box.y, "Grow Layer")
        cmd.redo(self)
        return cmd


def _any_shown(node: Node) -> bool:
    """Whether `node` shows anything: it is visible, and for a group one of its nodes is."""
    if not node.visible:
        return False
    return not isinstance(node, Group) or any(_any_shown(n) for n in node.children)


def _shown_only(node: Node) -> bool:
    """Whether Merge Visible takes all of `node`: it is visible and hides no hidden node
    (a group that does stays, with its hidden nodes)."""
    return node.visible and (not isinstance(node, Group)
                             or all(_shown_only(n) for n in node.children))


def _on_white(pixels: np.ndarray) -> np.ndarray:
    """Straight RGBA made opaque over white (what Flatten Image leaves where nothing was)."""
    from .images import flatten_on_white

    out = np.empty_like(pixels)
    out[..., :3] = flatten_on_white(pixels)
    out[..., 3] = 255
    return out


def _check_has_pixels(layer: Layer) -> None:
    if isinstance(layer, AdjustmentLayer):
        what = "a fill" if isinstance(layer, FillLayer) else "an adjustment"
        raise DocumentError(f"'{layer.name}' is {what} layer: it has no pixels to paint "
                            f"on (add a layer mask and paint on the mask).")
