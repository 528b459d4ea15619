"""Replayable commands: what the Actions panel records and plays back.

A command with settings that an action may hold is registered here by name (`COMMANDS`):
its label, the function that does it on a document (one undo step) and whether it has a
dialog a played step may open. The UI does such a command through `perform(doc, name,
**settings)`, which runs it and tells the listeners (the Actions panel's recorder) what was
done, with its settings, as plain JSON values. Filters and Image > Adjustments are not
called through `perform`: they are previewed and then kept, and `filter_ops.keep` is the
one place every one of them ends, so it reports the kept operation (`performed_operation`),
whose settings `operation_settings` turns into the "filter" command's settings.

Only the outermost command is reported: a command that does another (Auto Tone keeps a
Levels) is one step. `quiet()` silences the report while an action plays.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .document import Document
from .errors import DocumentError
from .layers import Layer

Listener = Callable[[Document, str, dict], None]


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    run: Callable[..., Any]          # run(doc, **settings): one undo step
    dialog: bool = False             # a played step may open its dialog (the step's toggle)


COMMANDS: dict[str, Command] = {}
_listeners: list[Listener] = []
_depth = 0    # commands running inside `perform` (only the outermost is reported)
# `quiet()` blocks (an action playing), per thread: File > Automate > Batch plays actions on
# the worker while the user may be recording on the GUI thread.
_quiet = threading.local()


def register(name: str, label: str, dialog: bool = False):
    def wrap(fn):
        COMMANDS[name] = Command(name, label, fn, dialog)
        return fn
    return wrap


def listen(fn: Listener) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


def unlisten(fn: Listener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


@contextmanager
def quiet():
    """Nothing done inside is reported (a played action is not recorded again)."""
    _quiet.depth = getattr(_quiet, "depth", 0) + 1
    try:
        yield
    finally:
        _quiet.depth -= 1


def _report(doc: Document, name: str, settings: dict) -> None:
    if _depth or getattr(_quiet, "depth", 0):
        return
    settings = json.loads(json.dumps(settings))  # (plain JSON: tuples become lists)
    for fn in list(_listeners):
        fn(doc, name, settings)


def performed(doc: Document, name: str, **settings) -> None:
    """Command `name` was done outside `perform` (a tool mode's commit: Free Transform):
    reported as a step all the same."""
    _report(doc, name, settings)


def perform(doc: Document, name: str, **settings):
    """Does command `name` with `settings` on `doc` and reports it (a recorded step). A
    setting named `target` (the layer a dialog prepared: Equalize's) is passed on but not
    recorded: playing prepares the layer in front anew."""
    global _depth
    _depth += 1
    try:
        result = COMMANDS[name].run(doc, **settings)
    finally:
        _depth -= 1
    _report(doc, name, {k: v for k, v in settings.items() if k != "target"})
    return result


def play(doc: Document, name: str, settings: dict) -> None:
    """A recorded step done again (not reported), or a DocumentError in one line."""
    command = COMMANDS.get(name)
    if command is None:
        raise DocumentError(f"'{name}' is not a command this version can play.")
    with quiet():
        try:
            command.run(doc, **settings)
        except TypeError as exc:  # (settings from an edited or older file)
            raise DocumentError(f"{command.label}: its settings do not fit ({exc}).") from None


def label(name: str, settings: dict) -> str:
    """A step's name in the Actions panel ("Gaussian Blur", "Flip Canvas Horizontal")."""
    if name == "filter":
        try:
            return operation(settings).label
        except Exception:  # (an unknown kind: its name, as written)
            return str(settings.get("kind") or settings.get("class") or "Filter")
    if name == "flip_canvas":
        return "Flip Canvas " + ("Horizontal" if settings.get("horizontal") else "Vertical")
    if name == "auto":
        from .auto_tone import MODES

        return MODES.get(settings.get("mode"), "Auto Tone")
    if name == "flip_layer":
        return "Flip " + ("Horizontal" if settings.get("horizontal") else "Vertical")
    if name == "rotate_layer":
        turns = settings.get("turns", 1)
        if turns % 4 == 2:
            return "Rotate 180°"
        return "Rotate 90° " + ("Clockwise" if turns > 0 else "Counter Clockwise")
    if name == "rotate_canvas":
        return {1: "Rotate 90° Clockwise", -1: "Rotate 90° Counter Clockwise",
                2: "Rotate 180°"}.get(settings.get("turns"), "Rotate Canvas")
    command = COMMANDS.get(name)
    return command.label if command is not None else name


def details(name: str, settings: dict) -> list[str]:
    """A step's settings as "Name: value" lines (its rows when expanded)."""
    if name == "filter":
        values = dict(settings.get("settings") or {})
        if "adjust" in settings:  # (only what differs from the kind's defaults)
            from .adjustments import make

            try:
                default = json.loads(json.dumps(make(settings["adjust"]).as_dict()))
            except ValueError:
                default = {}
            values = {k: v for k, v in values.items() if default.get(k) != v}
        settings = values
    elif name in ("flip_canvas", "rotate_canvas", "flip_layer", "rotate_layer", "auto"):
        return []
    elif name == "set_work_path":
        subpaths = settings.get("subpaths") or []
        anchors = sum(len(s.get("knots") or ()) for s in subpaths if isinstance(s, dict))
        return [f"{len(subpaths)} subpath{'s' if len(subpaths) != 1 else ''}, "
                f"{anchors} anchor point{'s' if anchors != 1 else ''}"]
    elif name == "image_size":  # (Photoshop's names: the Resample menu's label)
        from .image_resample import NAMES, NOISE_METHODS

        method = settings.get("method", "automatic")
        lines = [f"Width: {settings.get('width')} px", f"Height: {settings.get('height')} px",
                 f"Resample: {NAMES.get(method, method)}"]
        if method in NOISE_METHODS:
            lines.append(f"Reduce Noise: {settings.get('noise', 0):g} %")
        if settings.get("resolution") is not None:
            lines.append(f"Resolution: {float(settings['resolution']):g} Pixels/Inch")
        return lines
    elif name in ("free_transform", "transform_selection") and settings.get("corners"):
        return [f"Frame: {settings['size'][0]:g} × {settings['size'][1]:g} px"] + [
            f"{corner}: {x:+g}, {y:+g} px" for corner, (x, y) in zip(
                ("Top left", "Top right", "Bottom right", "Bottom left"), settings["corners"])]
    elif name in ("free_transform", "transform_selection"):  # (Photoshop's numbers)
        return [f"Position: {settings.get('dx', 0):+g}, {settings.get('dy', 0):+g} px",
                f"Width: {100 * settings.get('sx', 1):g} %",
                f"Height: {100 * settings.get('sy', 1):g} %",
                f"Angle: {settings.get('angle', 0):g}°"]
    lines = []
    for key, value in settings.items():
        text = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
        if len(text) > 60:
            text = text[:57] + "…"
        lines.append(f"{key.replace('_', ' ').capitalize()}: {text}")
    return lines


def menu_commands() -> dict[str, str]:
    """The commands the Actions panel's Insert Menu Item… offers, name -> label: those that
    take no settings (Select All, Flatten Image), which play the same whatever was chosen
    when they were inserted."""
    found = {}
    for name, command in COMMANDS.items():
        if len(inspect.signature(command.run).parameters) == 1:  # (only the document)
            found[name] = command.label
    return found


# -- filters and Image > Adjustments: the kept operation's settings ---------------------------

def _plain(value):
    if dataclasses.is_dataclass(value):
        raise TypeError("nested settings")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{type(value).__name__} is not a plain setting")


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def operation_settings(op) -> Optional[dict]:
    """The "filter" command's settings for a kept operation, or None when it cannot be
    replayed (its settings hold pixels: Liquify's field, Match Color's source; or it is
    computed from the pixels it runs on: Fade, Auto Tone's Levels)."""
    from . import more_filters as mf, pixel_filters as pf

    if isinstance(op, pf.Adjust):
        if op.name:  # (Auto Tone's computed Levels: recorded as Auto Tone itself)
            return None
        return {"adjust": op.settings.kind, "settings": op.settings.as_dict()}
    cls = type(op)
    if not dataclasses.is_dataclass(op) or not cls.__module__.startswith("editor.model."):
        return None
    try:
        values = {f.name: _plain(getattr(op, f.name)) for f in dataclasses.fields(op)}
        json.dumps(values)
    except (TypeError, ValueError):
        return None
    kind = next((k for k, c in mf.FILTERS.items() if c is cls), None)
    if kind is not None:
        return {"kind": kind, "settings": values}
    return {"class": f"{cls.__module__}:{cls.__name__}", "settings": values}


def operation(settings: dict):
    """The operation a "filter" step names, or a DocumentError."""
    from . import adjustments, more_filters as mf, pixel_filters as pf

    values = settings.get("settings") or {}
    if "adjust" in settings:
        try:
            return pf.Adjust(adjustments.make(settings["adjust"], values))
        except (ValueError, TypeError) as exc:
            raise DocumentError(f"Adjustment {settings['adjust']!r}: {exc}") from None
    cls = mf.FILTERS.get(settings.get("kind", ""))
    if cls is None and ":" in str(settings.get("class", "")):
        module, _, name = settings["class"].partition(":")
        # Only the editor's own operations: a file cannot name any other code to run.
        if module.startswith("editor.model.") and module.replace(".", "").replace("_", "")\
                .isalnum():
            candidate = getattr(importlib.import_module(module), name, None)
            if isinstance(candidate, type) and issubclass(candidate, pf.Operation):
                cls = candidate
    if cls is None:
        raise DocumentError(f"Unknown filter {settings.get('kind') or settings.get('class')!r}.")
    fields = {f.name for f in dataclasses.fields(cls)}
    try:
        return cls(**{k: _tuples(v) for k, v in values.items() if k in fields})
    except (TypeError, ValueError) as exc:
        raise DocumentError(f"{cls.__name__}: its settings do not fit ({exc}).") from None


def performed_operation(doc: Document, op) -> None:
    """`filter_ops.keep` kept `op` on the active layer: reported as a "filter" step."""
    if _depth or getattr(_quiet, "depth", 0) or not _listeners:
        return
    settings = operation_settings(op)
    if settings is not None:
        _report(doc, "filter", settings)


@register("filter", "Filter", dialog=True)
def _filter(doc: Document, **settings) -> None:
    from . import filter_ops, pixel_filters as pf

    op = operation(settings)
    what = "adjust" if isinstance(op, (pf.Adjust, pf.Desaturate)) else "filter"
    filter_ops.apply(doc, op, doc.active, what=what)


# -- the other commands with settings, and the menu commands an action may hold -------------

def _active_layer(doc: Document, what: str) -> Layer:
    if doc.active is None:
        raise DocumentError(f"Select a layer to {what}.")
    return doc.active


@register("stop", "Stop")
def _stop(doc: Document, message: str = "", allow_continue: bool = False) -> None:
    """Insert Stop…'s step. The Actions panel shows its message and asks (it never calls
    this); played where no one can answer (Batch, Image Processor), a stop that allows
    continuing is passed and one that does not ends the action with its message."""
    if not allow_continue:
        raise DocumentError(f"Stop: {message}" if message else "Stop (a recorded stop).")


@register("set_work_path", "Set Work Path")
def _set_work_path(doc: Document, subpaths: list) -> None:
    """Insert Path's step: the Work Path made the recorded one."""
    from . import paths

    paths.set_work_path(doc, subpaths)


@register("auto", "Auto Tone")
def _auto(doc: Document, mode: str) -> None:
    from . import auto_tone

    auto_tone.apply(doc, mode)


@register("equalize", "Equalize")
def _equalize(doc: Document, mode: str = "all", target=None) -> None:
    """(`target`: the layer the window has prepared; not recorded, it is not JSON.)"""
    from . import tone_adjustments

    tone_adjustments.equalize(doc, mode, target=target)


@register("apply_image", "Apply Image")
def _apply_image(doc: Document, source: dict, mode: str, opacity: float = 1.0,
                 preserve_transparency: bool = False, mask: Optional[dict] = None,
                 scale: float = 1.0, offset: int = 0) -> None:
    from . import apply_image as ai

    ai.apply_image(doc, ai.Settings(ai.source_of(doc, source), mode, float(opacity),
                                    bool(preserve_transparency), ai.source_of(doc, mask),
                                    float(scale), int(offset)))


@register("calculations", "Calculations")
def _calculations(doc: Document, source1: dict, source2: dict, mode: str,
                  opacity: float = 1.0, mask: Optional[dict] = None, scale: float = 1.0,
                  offset: int = 0, result: str = "channel") -> None:
    """(A new document is not recorded: the window opens it.)"""
    from . import apply_image as ai

    if result == "document":
        raise DocumentError("Calculations to a new document is not played in an action.")
    ai.calculations(doc, ai.Calculation(ai.source_of(doc, source1), ai.source_of(doc, source2),
                                        mode, float(opacity), ai.source_of(doc, mask),
                                        float(scale), int(offset)), result)


@register("image_size", "Image Size", dialog=True)
def _image_size(doc: Document, width: int, height: int, method: str = "automatic",
                noise: float = 0.0, resolution=None) -> None:
    """(Actions recorded before Resample was offered play with Automatic; before the
    Resolution field, with the document's resolution kept.)"""
    from . import image_ops

    image_ops.image_size(doc, int(width), int(height), str(method), float(noise),
                         None if resolution is None else float(resolution))


@register("canvas_size", "Canvas Size", dialog=True)
def _canvas_size(doc: Document, width: int, height: int, anchor=(0.5, 0.5),
                 extension=(255, 255, 255)) -> None:
    from . import image_ops

    image_ops.canvas_size(doc, int(width), int(height), tuple(anchor),
                          extension=tuple(int(c) for c in extension))


@register("rotate_canvas", "Rotate Canvas")
def _rotate(doc: Document, turns: int) -> None:
    from . import image_ops

    image_ops.rotate_canvas(doc, int(turns))


@register("rotate_arbitrary", "Rotate Canvas")
def _rotate_arbitrary(doc: Document, degrees: float, fill=(255, 255, 255)) -> None:
    from . import image_ops

    image_ops.rotate_arbitrary(doc, float(degrees), tuple(int(c) for c in fill))


@register("flip_canvas", "Flip Canvas")
def _flip(doc: Document, horizontal: bool) -> None:
    from . import image_ops

    image_ops.flip_canvas(doc, bool(horizontal))


@register("flip_layer", "Flip Layer")
def _flip_layer(doc: Document, horizontal: bool) -> None:
    doc.flip(_active_layer(doc, "flip"), bool(horizontal))


@register("rotate_layer", "Rotate Layer")
def _rotate_layer(doc: Document, turns: int) -> None:
    node = _active_layer(doc, "rotate")
    if int(turns) % 4 == 2:  # Rotate 180°
        doc.rotate_half(node)
    else:
        doc.rotate_quarter(node, int(turns))


@register("select_all", "Select All")
def _select_all(doc: Document) -> None:
    doc.set_selection(doc.canvas, "Select All")


@register("deselect", "Deselect")
def _deselect(doc: Document) -> None:
    doc.set_selection(None)


@register("inverse", "Select Inverse")
def _inverse(doc: Document) -> None:
    from . import selection_ops

    selection_ops.inverse(doc)


@register("new_layer", "Make Layer")
def _new_layer(doc: Document) -> None:
    doc.new_layer()


@register("duplicate_layer", "Duplicate Layer")
def _duplicate_layer(doc: Document) -> None:
    doc.duplicate(_active_layer(doc, "duplicate"))


@register("delete_layer", "Delete Layer")
def _delete_layer(doc: Document) -> None:
    doc.delete(_active_layer(doc, "delete"))


@register("merge_down", "Merge Down")
def _merge_down(doc: Document) -> None:
    node = doc.active
    if not isinstance(node, Layer) or node.index() == 0:
        raise DocumentError("Merge Down needs a layer with a pixel layer below it.")
    doc.merge_down(node)


@register("merge_visible", "Merge Visible")
def _merge_visible(doc: Document) -> None:
    doc.merge_visible()


@register("flatten", "Flatten Image")
def _flatten(doc: Document) -> None:
    doc.flatten()


@register("fill", "Fill")
def _fill(doc: Document, rgba) -> None:
    from . import edit_ops

    edit_ops.fill(doc, edit_ops.pixel_layer(doc.active, "fill"), tuple(int(v) for v in rgba))


# -- the Layers panel's chosen layers (layer_set_ops): recorded by their names ----------------

def _chosen(doc: Document, names, target) -> list:
    """The nodes a step acts on: those the window chose (`target`, not recorded), or when
    played, the document's nodes with the recorded names."""
    if target is not None:
        return list(target)
    wanted = {str(n) for n in names or ()}
    return [n for n in doc.nodes() if n.name in wanted]


@register("merge_layers", "Merge Layers")
def _merge_layers(doc: Document, names=(), target=None) -> None:
    from . import layer_set_ops

    layer_set_ops.merge_layers(doc, _chosen(doc, names, target))


@register("reverse_layers", "Reverse")
def _reverse_layers(doc: Document, names=(), target=None) -> None:
    from . import layer_set_ops

    layer_set_ops.reverse(doc, _chosen(doc, names, target))


@register("link_layers", "Link Layers")
def _link_layers(doc: Document, names=(), target=None) -> None:
    from . import layer_set_ops

    layer_set_ops.link(doc, _chosen(doc, names, target))


@register("unlink_layers", "Unlink Layers")
def _unlink_layers(doc: Document, names=(), target=None) -> None:
    from . import layer_set_ops

    layer_set_ops.unlink(doc, _chosen(doc, names, target))
