"""The models the Generate panel and the Models dialog offer: the catalogue plus the user's own.

A choice is a catalogue model (found on this computer in the Hugging Face
cache, or not downloaded) or a folder / .safetensors file / BFS model folder
the user added, remembered in the settings. Looking models up reads only
small files (model_index.json, bfs.json, safetensors headers) and never the
network; torch is not imported. The engine modules load on first use, not
when the window starts.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QWidget

from engine.errors import EngineError
from engine.methods import registry

from . import dialogs
from .settings import Settings

ADD_MODEL = "__add__"  # the list's last item: "Add model from folder or file…"


@dataclass
class ModelChoice:
    ref: str                  # what the engine is given: a catalogue id or a path
    name: str
    family: str               # sd-inpaint, sdxl-inpaint, flux-fill or bfs
    method: str               # the method it serves: add_foreground or bfs
    local: bool               # added by the user (not from the catalogue)
    installed: bool           # on this computer, usable
    where: str = ""           # its folder or file on this computer
    info: Optional[object] = None  # engine.models.catalogue.ModelInfo
    problem: str = ""         # why an added model cannot be used now

    @property
    def label(self) -> str:
        if self.local:
            return f"{self.name} (local)" if self.installed else f"{self.name} (missing)"
        if self.built_in:
            return f"{self.name} (built in)" if self.installed else f"{self.name} (missing)"
        return self.name if self.installed else f"{self.name} (not downloaded)"

    @property
    def built_in(self) -> bool:
        return bool(getattr(self.info, "built_in", False))

    def tooltip(self) -> str:
        lines = [self.ref]
        info = self.info
        if self.built_in:
            lines.append(f"Built in ({info.download_gb * 1024:.0f} MB), no download · runs on the CPU")
            lines.append(f"Licence: {info.licence}")
        elif info is not None and not self.local:
            lines.append(f"{info.download_gb:g} GB download · GPU {info.min_vram_gb:g} GB+ "
                         f"without offload")
            lines.append(f"Licence: {info.licence}")
        if self.installed and self.where and self.where != self.ref:
            lines.append(f"On this computer: {self.where}")
        if self.problem:
            lines.append(self.problem)
        return "\n".join(lines)


def method_of_family(family: str) -> str:
    """The Generate panel's method for a layer-making model, else what the model serves
    (SAM and ViTMatte serve Decompose's steps); from the table of methods."""
    return registry.method_for_family(family)


def catalogue_choices() -> list[ModelChoice]:
    """Every catalogue model, with whether it is on this computer."""
    from engine.models.catalogue import load_catalogue
    from engine.models.locate import find_model

    choices = []
    catalogue = load_catalogue()
    for info in catalogue:
        try:
            where, problem = str(find_model(info.id, catalogue=catalogue).path), ""
        except EngineError as exc:
            where, problem = "", str(exc)
        method = method_of_family(info.family)
        if not info.serves(method):  # a text-to-image model of an inpainting family: text edits
            method = info.methods[0]
        choices.append(ModelChoice(info.id, info.name, info.family, method,
                                   False, bool(where), where, info, "" if where else problem))
    return choices


def local_choice(path: str) -> ModelChoice:
    """A model folder or file the user added; `problem` says why it is unusable, if it is."""
    from engine.models.locate import find_model

    name = os.path.basename(os.path.normpath(path)) or path
    try:
        source = find_model(path)
    except EngineError as exc:
        return ModelChoice(path, name, "", "", True, False, "", None, str(exc))
    return ModelChoice(path, name, source.family, method_of_family(source.family), True, True,
                       str(source.path), source.info)


def all_choices(settings: Settings) -> list[ModelChoice]:
    return catalogue_choices() + [local_choice(p) for p in settings.local_models()]


def add_local_model(settings: Settings, path: str) -> ModelChoice:
    """Checks `path` is a model Layered can use, then remembers it; raises EngineError if not."""
    from engine.models.locate import find_model

    path = os.path.abspath(os.path.expanduser(path))
    find_model(path)  # raises with what is wrong (not a model, pickle weights, ...)
    settings.add_local_model(path)
    return local_choice(path)


def fill_model_combo(combo: QComboBox, shown: list[ModelChoice], remembered: str = "") -> None:
    """Fills a model list the one way the editor shows models (the Generate panel, New Layered
    Image): each model's label and tooltip, dimmed when not on this computer, then "Add model
    from folder or file…"; selects `remembered`, else the first model on this computer.
    A remembered path or id that is not among `shown` is kept as an item of its own."""
    combo.clear()
    dim = QColor("#8d929b")
    for choice in shown:
        combo.addItem(choice.label, choice.ref)
        i = combo.count() - 1
        combo.setItemData(i, choice.tooltip(), Qt.ItemDataRole.ToolTipRole)
        if not choice.installed:
            combo.setItemData(i, dim, Qt.ItemDataRole.ForegroundRole)
    if remembered and combo.findData(remembered) < 0 and remembered != ADD_MODEL:
        combo.addItem(remembered, remembered)
    if combo.count():
        combo.insertSeparator(combo.count())
    combo.addItem("Add model from folder or file…", ADD_MODEL)
    index = combo.findData(remembered) if remembered else -1
    if index < 0:
        index = next((i for i, c in enumerate(shown) if c.installed), 0 if shown else -1)
    combo.setCurrentIndex(index)


def ask_to_add_model(parent: QWidget, settings: Settings,
                     report: Callable[[BaseException, str], None]) -> Optional[ModelChoice]:
    """Asks for a model folder or .safetensors file and adds it (remembered in the settings);
    None if the user cancelled or the model cannot be used (then `report` says why)."""
    start = settings.value("models/last_dir", os.path.expanduser("~"))
    path = dialogs.ask_model_path(parent, start)
    if not path:
        return None
    settings.set_value("models/last_dir", os.path.dirname(os.path.abspath(path)))
    try:
        return add_local_model(settings, path)
    except Exception as exc:
        report(exc, "Could not add the model")
        return None
