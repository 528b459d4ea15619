"""Layer > Layer Mask > Show Mask Overlay (backslash) and Mask Options…: the layer mask seen
over the picture, as Photoshop's rubylith.

Backslash tints the canvas where the active layer's mask hides (red at 50 % by default),
over the composite, and follows every stroke on the mask; pressing it again takes the tint
away. It is a view, like the mask seen alone (Alt+click on the thumbnail): showing one
ends the other, and making another layer active ends it. The canvas draws it
(`CanvasView.show_rubylith`, `mask_tint.LayerMaskTint`).

Mask Options… (also in the mask thumbnail's menu) is Photoshop's Layer Mask Display
Options: the overlay's colour and opacity. Photoshop keeps them per mask, in the mask
channel; here they are one setting of the editor (`mask_display/color`,
`mask_display/opacity`), for every mask and document: Layered writes no channel options
to its PSD files, and a colour chosen once is the one wanted on the next mask too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QFormLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout)

from .actions import ActionSpec, Context
from . import dialogs
from .dialogs import ok_cancel
from .mask_commands import layer_has_mask
from .mask_tint import TINT, TINT_OPACITY

if TYPE_CHECKING:
    from .settings import Settings
    from .window_api import EditorWindow

COLOR_KEY = "mask_display/color"
OPACITY_KEY = "mask_display/opacity"  # percent


def display_options(settings: "Settings") -> tuple[tuple[int, int, int], float]:
    """The overlay's colour (RGB) and opacity (0..1) as the settings say."""
    colour = QColor(settings.value(COLOR_KEY, QColor(*TINT).name()))
    if not colour.isValid():
        colour = QColor(*TINT)
    percent = max(0, min(100, settings.value(OPACITY_KEY, round(TINT_OPACITY * 100), int)))
    return (colour.red(), colour.green(), colour.blue()), percent / 100


class MaskOptionsDialog(QDialog):
    """Photoshop's Layer Mask Display Options: the overlay's colour and opacity."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)  # type: ignore[arg-type]
        self.setObjectName("MaskOptionsDialog")
        self.setWindowTitle("Layer Mask Display Options")
        rgb, opacity = display_options(window.settings)
        self.colour = QColor(*rgb)
        layout = QVBoxLayout(self)
        intro = QLabel("How the layer mask shows over the picture (\\): this colour where "
                       "it hides.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.colour_button = QPushButton()
        self.colour_button.setObjectName("MaskOptionsColor")
        self.colour_button.clicked.connect(self._choose_colour)
        form.addRow("Color", self.colour_button)
        self.opacity = QSpinBox()
        self.opacity.setObjectName("MaskOptionsOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setSuffix(" %")
        self.opacity.setValue(round(opacity * 100))
        form.addRow("Opacity", self.opacity)
        layout.addLayout(form)
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)
        self._show_colour()

    def _choose_colour(self) -> None:
        colour = dialogs.ask_color(self, self.colour, "Mask Overlay Colour")
        if colour is not None:
            self.set_colour(colour)

    def set_colour(self, colour: QColor) -> None:
        self.colour = QColor(colour)
        self._show_colour()

    def _show_colour(self) -> None:
        self.colour_button.setText(self.colour.name())
        self.colour_button.setStyleSheet(f"border-left: 18px solid {self.colour.name()};")

    def chosen(self) -> tuple[tuple[int, int, int], float]:
        c = self.colour
        return (c.red(), c.green(), c.blue()), self.opacity.value() / 100


class MaskDisplayCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("mask_rubylith", "Show Mask &Overlay", self.toggle_rubylith, "\\",
                       enabled=layer_has_mask, menu="layer_mask", after="mask_target",
                       checkable=True, checked=self.shows_rubylith,
                       tip="Tint the picture where the layer mask hides (\\ again: hide it)"),
            ActionSpec("mask_options", "Mask &Options…", self.mask_options,
                       enabled=layer_has_mask, menu="layer_mask", after="mask_rubylith",
                       tip="The colour and opacity of the mask's overlay"),
        ]

    def shows_rubylith(self, c: Context) -> bool:
        canvas = self.window.canvas
        return (layer_has_mask(c) and canvas is not None and canvas.rubylith is not None
                and canvas.rubylith.node is c.node)

    def toggle_rubylith(self) -> None:
        w = self.window
        canvas, doc = w.canvas, w.doc
        if canvas is None or doc is None or doc.active is None or doc.active.mask is None:
            return
        if canvas.rubylith is not None and canvas.rubylith.node is doc.active:
            canvas.show_rubylith(None)
        else:
            canvas.show_rubylith(doc.active, *display_options(w.settings))
        w.actions["mask_rubylith"].setChecked(canvas.rubylith is not None)

    def mask_options(self) -> None:
        w = self.window
        dialog = MaskOptionsDialog(w)
        if not dialog.exec():
            return
        colour, opacity = dialog.chosen()
        w.settings.set_value(COLOR_KEY, QColor(*colour).name())
        w.settings.set_value(OPACITY_KEY, round(opacity * 100))
        for session in w.sessions:  # one setting for every document
            canvas = session.canvas
            if canvas is not None and canvas.rubylith is not None:
                canvas.show_rubylith(canvas.rubylith.node, colour, opacity)
