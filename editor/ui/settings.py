"""The user's preferences and remembered state, kept in QSettings.

`LAYERED_CONFIG_DIR` (environment) puts settings and the recovery folder in
one folder, as an INI file; tests pass their own `QSettings` so that they
never touch the user's real settings.
"""
from __future__ import annotations

import os
from typing import Any, Optional

from PySide6.QtCore import QSettings, QStandardPaths

MAX_RECENT = 10
DEFAULT_AUTOSAVE_SECONDS = 180
# View > Show > Grid, as Photoshop sets it (Preferences > Guides, Grid), in pixels.
GRID_STYLES = ("lines", "dashed", "dots")
DEFAULT_GRID_EVERY, DEFAULT_GRID_SUBDIVISIONS = 100, 4
DEFAULT_GRID_COLOR = "#808080"
# The History panel's History Options, as Photoshop names them: key -> (label, default).
# Photoshop leaves visibility changes out of the history by default; Layered kept them as
# steps before the option came, and keeps doing so unless it is turned off.
HISTORY_OPTIONS = {
    "first_snapshot": ("Automatically Create First Snapshot", True),
    "snapshot_on_save": ("Automatically Create New Snapshot When Saving", False),
    "non_linear": ("Allow Non-Linear History", False),
    "snapshot_dialog": ("Show New Snapshot Dialog by Default", False),
    "visibility_undoable": ("Make Layer Visibility Changes Undoable", True),
}
DEFAULT_HISTORY_STATES, MAX_HISTORY_STATES = 100, 1000  # (Photoshop: 50, up to 1000)


def config_dir() -> str:
    """Where settings and recovery files live by default."""
    env = os.environ.get("LAYERED_CONFIG_DIR")
    if env:
        return env
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or \
        os.path.join(os.path.expanduser("~"), ".layered")


def default_qsettings() -> QSettings:
    env = os.environ.get("LAYERED_CONFIG_DIR")
    if env:
        return QSettings(os.path.join(env, "layered.ini"), QSettings.Format.IniFormat)
    return QSettings("Layered", "Layered")


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


class Settings:
    """Typed access to the values the editor remembers."""

    def __init__(self, qsettings: Optional[QSettings] = None):
        self.q = qsettings if qsettings is not None else default_qsettings()

    # -- generic -------------------------------------------------------------
    def value(self, key: str, default: Any = None, kind: type = str) -> Any:
        raw = self.q.value(key, None)
        if raw is None:
            return default
        try:
            if kind is bool:
                return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
            return kind(raw)
        except (TypeError, ValueError):
            return default

    def set_value(self, key: str, value: Any) -> None:
        self.q.setValue(key, value)

    def sync(self) -> None:
        self.q.sync()

    def group_values(self, prefix: str) -> dict:
        """Every value under `prefix`/ (a tool's options), by key below it, as JSON can
        keep them (what is not a number, text, flag or list of them becomes text)."""
        self.q.beginGroup(prefix)
        try:
            return {key: _plain(self.q.value(key)) for key in self.q.allKeys()}
        finally:
            self.q.endGroup()

    def set_group(self, prefix: str, values: dict) -> None:
        """Replaces everything under `prefix`/ with `values` (empty: the group removed)."""
        self.q.remove(prefix)
        for key, value in values.items():
            self.q.setValue(f"{prefix}/{key}", value)

    # -- recent files ----------------------------------------------------------
    def recent_files(self) -> list[str]:
        raw = self.q.value("files/recent", [])
        if isinstance(raw, str):
            raw = [raw] if raw else []
        return [str(p) for p in (raw or []) if p]

    def add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [p for p in self.recent_files() if p != path]
        self.q.setValue("files/recent", ([path] + files)[:MAX_RECENT])

    def remove_recent(self, path: str) -> None:
        self.q.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self.q.setValue("files/recent", [])

    def last_dir(self) -> str:
        return self.value("files/last_dir", os.path.expanduser("~"))

    def set_last_dir(self, path: str) -> None:
        self.set_value("files/last_dir", os.path.dirname(os.path.abspath(path)))

    # -- the user's presets (`editor.model.preset_file`): actions, swatches, styles, brushes,
    # custom shapes, tool presets, each a JSON file beside the settings ---------------------
    def beside(self, name: str) -> str:
        """A file of the editor's own beside an INI settings file (tests,
        LAYERED_CONFIG_DIR), else in the config folder."""
        if self.q.format() == QSettings.Format.IniFormat and self.q.fileName():
            return os.path.join(os.path.dirname(os.path.abspath(self.q.fileName())), name)
        return os.path.join(config_dir(), name)

    @property
    def actions_path(self) -> str:
        return self.beside("actions.json")

    @property
    def tool_presets_path(self) -> str:
        return self.beside("tool_presets.json")

    @property
    def swatches_path(self) -> str:
        return self.beside("swatches.json")

    @property
    def styles_path(self) -> str:
        return self.beside("styles.json")

    @property
    def brushes_path(self) -> str:
        return self.beside("brushes.json")

    @property
    def custom_shapes_path(self) -> str:
        return self.beside("custom_shapes.json")

    @property
    def shortcuts_dir(self) -> str:
        """The user's keyboard shortcut sets (`editor.model.shortcut_sets`), one file each."""
        return self.beside("shortcuts")

    @property
    def shortcut_set(self) -> str:
        """The keyboard shortcut set in use; "" for Layered's defaults."""
        return self.value("shortcuts/set", "")

    @shortcut_set.setter
    def shortcut_set(self, name: str) -> None:
        self.set_value("shortcuts/set", name)

    # -- autosave ----------------------------------------------------------------
    @property
    def autosave_seconds(self) -> int:
        """Seconds between autosaves; 0 turns autosave off."""
        return max(0, self.value("autosave/interval_seconds", DEFAULT_AUTOSAVE_SECONDS, int))

    @autosave_seconds.setter
    def autosave_seconds(self, seconds: int) -> None:
        self.set_value("autosave/interval_seconds", int(max(0, seconds)))

    @property
    def recovery_dir(self) -> str:
        return self.value("autosave/recovery_dir", "") or os.path.join(config_dir(), "recovery")

    @recovery_dir.setter
    def recovery_dir(self, path: str) -> None:
        self.set_value("autosave/recovery_dir", path)

    # -- the grid (Preferences > Guides, Grid) -----------------------------------------
    @property
    def grid_every(self) -> int:
        """Image pixels between gridlines."""
        return max(1, self.value("view/grid_every", DEFAULT_GRID_EVERY, int))

    @grid_every.setter
    def grid_every(self, px: int) -> None:
        self.set_value("view/grid_every", int(max(1, px)))

    @property
    def grid_subdivisions(self) -> int:
        """Parts each gridline square is divided into (1: none)."""
        return max(1, self.value("view/grid_subdivisions", DEFAULT_GRID_SUBDIVISIONS, int))

    @grid_subdivisions.setter
    def grid_subdivisions(self, n: int) -> None:
        self.set_value("view/grid_subdivisions", int(max(1, n)))

    @property
    def grid_color(self) -> str:
        return self.value("view/grid_color", DEFAULT_GRID_COLOR)

    @grid_color.setter
    def grid_color(self, name: str) -> None:
        self.set_value("view/grid_color", name)

    @property
    def grid_style(self) -> str:
        """One of GRID_STYLES."""
        style = self.value("view/grid_style", "lines")
        return style if style in GRID_STYLES else "lines"

    @grid_style.setter
    def grid_style(self, style: str) -> None:
        self.set_value("view/grid_style", style if style in GRID_STYLES else "lines")

    # -- units (Preferences > Units & Rulers) ----------------------------------------
    @property
    def type_units(self) -> str:
        """The Character panel's and Type tool's unit: "points" (Photoshop's default),
        "pixels" or "millimeters" (resolution.TYPE_UNITS)."""
        from editor.model.resolution import TYPE_UNITS

        unit = self.value("units/type", "points")
        return unit if unit in [k for k, _, _ in TYPE_UNITS] else "points"

    @type_units.setter
    def type_units(self, unit: str) -> None:
        self.set_value("units/type", unit)

    @property
    def ruler_units(self) -> str:
        """The rulers' unit: one of Image Size's (resolution.RULER_UNITS; "pixels")."""
        from editor.model.resolution import RULER_UNITS

        unit = self.value("units/rulers", "pixels")
        return unit if unit in [k for k, _ in RULER_UNITS] else "pixels"

    @ruler_units.setter
    def ruler_units(self, unit: str) -> None:
        self.set_value("units/rulers", unit)

    # -- the History panel (its menu's History Options, Preferences > Performance) -----
    @property
    def history_states(self) -> int:
        """Preferences > Performance > History States: the steps each document keeps."""
        return min(MAX_HISTORY_STATES, max(1, self.value("history/states",
                                                         DEFAULT_HISTORY_STATES, int)))

    @history_states.setter
    def history_states(self, steps: int) -> None:
        self.set_value("history/states", int(min(MAX_HISTORY_STATES, max(1, steps))))

    def history_option(self, key: str) -> bool:
        """One of HISTORY_OPTIONS' flags (History Options…)."""
        return self.value(f"history/{key}", HISTORY_OPTIONS[key][1], bool)

    def set_history_option(self, key: str, on: bool) -> None:
        if key not in HISTORY_OPTIONS:
            raise KeyError(key)
        self.set_value(f"history/{key}", bool(on))

    # -- layers ---------------------------------------------------------------------
    @property
    def alpha_as_mask(self) -> bool:
        """Generated, decomposed and extracted layers keep their edges in a layer mask over
        opaque colours (Preferences, Decompose Options)."""
        return self.value("layers/alpha_as_mask", False, bool)

    @alpha_as_mask.setter
    def alpha_as_mask(self, on: bool) -> None:
        self.set_value("layers/alpha_as_mask", bool(on))

    # -- generation engine -------------------------------------------------------
    @property
    def engine_device(self) -> str:
        """"auto", "cuda", "mps" or "cpu" (passed to the engine)."""
        return self.value("engine/device", "auto")

    @engine_device.setter
    def engine_device(self, device: str) -> None:
        self.set_value("engine/device", device)

    @property
    def engine_dtype(self) -> str:
        """"auto", "float32", "float16" or "bfloat16"."""
        return self.value("engine/dtype", "auto")

    @engine_dtype.setter
    def engine_dtype(self, dtype: str) -> None:
        self.set_value("engine/dtype", dtype)

    @property
    def cpu_offload(self) -> Optional[bool]:
        """None: when the GPU has less memory than the model needs; True/False: always/never."""
        value = self.value("engine/cpu_offload", "auto")
        return None if value == "auto" else value in ("on", "true", True)

    @cpu_offload.setter
    def cpu_offload(self, on: Optional[bool]) -> None:
        self.set_value("engine/cpu_offload", "auto" if on is None else ("on" if on else "off"))

    @property
    def warm_up(self) -> bool:
        """Load the chosen model in the background after start-up."""
        return self.value("engine/warm_up", True, bool)

    @warm_up.setter
    def warm_up(self, on: bool) -> None:
        self.set_value("engine/warm_up", bool(on))

    def local_models(self) -> list[str]:
        """Model folders and files the user added (diffusers, .safetensors, BFS)."""
        raw = self.q.value("models/local", [])
        if isinstance(raw, str):
            raw = [raw] if raw else []
        return [str(p) for p in (raw or []) if p]

    def add_local_model(self, path: str) -> None:
        path = os.path.abspath(os.path.expanduser(path))
        self.q.setValue("models/local", [path] + [p for p in self.local_models() if p != path])

    def remove_local_model(self, path: str) -> None:
        self.q.setValue("models/local", [p for p in self.local_models() if p != path])
