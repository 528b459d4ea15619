"""The Actions panel's sets of actions: their steps, the JSON file they live in, the defaults.

An action is a named list of steps; a step names a replayable command
(`replay.COMMANDS`) with its settings, whether it plays (the panel's check box) and
whether it opens its dialog when played (the panel's dialog toggle). Sets are kept as
JSON ("layered-actions", version 1) in the settings folder and by Save/Load Actions;
Photoshop's binary .atn is not read or written.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

from . import adjustments, pixel_filters as pf, preset_file, replay
from .errors import DocumentError

FORMAT, VERSION = "layered-actions", 1
DEFAULT_SET = "Default Actions"


@dataclass
class Step:
    command: str
    settings: dict = field(default_factory=dict)
    enabled: bool = True     # unchecked: playback skips it
    dialog: bool = False     # playback opens its dialog with these settings

    @property
    def label(self) -> str:
        return replay.label(self.command, self.settings)

    def details(self) -> list[str]:
        return replay.details(self.command, self.settings)

    def has_dialog(self) -> bool:
        """Whether playing it can open a dialog (its Dialog toggle): a command with one, and
        for a filter or adjustment one with settings (not Find Edges, Invert, Desaturate)."""
        command = replay.COMMANDS.get(self.command)
        if command is None or not command.dialog:
            return False
        return self.command != "filter" or bool(self.settings.get("settings"))


@dataclass
class Action:
    name: str
    key: str = ""            # a function key ("F2", "Shift+F3"), or none
    steps: list[Step] = field(default_factory=list)


@dataclass
class ActionSet:
    name: str
    actions: list[Action] = field(default_factory=list)


def to_json(sets: list[ActionSet]) -> dict:
    return {"format": FORMAT, "version": VERSION, "sets": [
        {"name": s.name, "actions": [
            {"name": a.name, "key": a.key, "steps": [
                {"command": st.command, "settings": st.settings, "enabled": st.enabled,
                 "dialog": st.dialog} for st in a.steps]} for a in s.actions]}
        for s in sets]}


def from_json(data) -> list[ActionSet]:
    """Sets from a parsed file, or a DocumentError saying in one line what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DocumentError("This is not a Layered actions file (JSON with "
                            f"\"format\": \"{FORMAT}\"); Photoshop's .atn files cannot be read.")
    if data.get("version", 0) > VERSION:
        raise DocumentError("These actions were saved by a newer version of Layered.")
    try:
        return [ActionSet(str(s["name"]), [
            Action(str(a["name"]), str(a.get("key") or ""), [
                Step(str(st["command"]), dict(st.get("settings") or {}),
                     bool(st.get("enabled", True)), bool(st.get("dialog", False)))
                for st in a.get("steps", [])]) for a in s.get("actions", [])])
            for s in data.get("sets", [])]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DocumentError(f"The actions file is damaged ({exc}).") from None


def load(path: str) -> list[ActionSet]:
    return from_json(preset_file.read_json(path))


def save(path: str, sets: list[ActionSet]) -> None:
    """Writes the sets (atomically: a failed write keeps the old file; SaveError)."""
    preset_file.write_json(path, to_json(sets))


def duplicate(action: Action, names: list[str]) -> Action:
    """A copy named as Photoshop names one ("Vignette copy", "Vignette copy 2")."""
    name, n = f"{action.name} copy", 2
    while name in names:
        name, n = f"{action.name} copy {n}", n + 1
    return Action(name, "", copy.deepcopy(action.steps))


def _filter(op) -> Step:
    # (as plain JSON, as a recorded step's settings are: tuples become lists)
    return Step("filter", json.loads(json.dumps(replay.operation_settings(op))))


def default_sets() -> list[ActionSet]:
    """The "Default Actions" set, in this editor's own steps (Photoshop's Vignette needs a
    feathered elliptical selection, which an action cannot record yet)."""
    sepia = adjustments.HueSaturation(colorize=True, colorize_hue=35, colorize_saturation=30)
    faded = adjustments.HueSaturation(saturation=-40)
    return [ActionSet(DEFAULT_SET, [
        Action("Sepia Toning (layer)", "", [
            Step("duplicate_layer"), _filter(pf.Adjust(sepia))]),
        Action("Sharpen for Web", "", [_filter(pf.UnsharpMask(80.0, 0.8, 2))]),
        Action("Faded Film Grain", "", [
            _filter(pf.Adjust(faded)), _filter(pf.AddNoise(4.0, "gaussian", True))]),
    ])]
