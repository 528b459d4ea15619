"""A number field for a length, as Photoshop's options bar has them: shown in a unit with its
short name ("2.5 cm", "120 px", "50 %") and typed in it or with a unit of its own ("2 in",
"300 px"), converted by the document's resolution (`resolution.parse_length`, the helper
New Guide uses). Its value() is in its own unit, so code that sets and reads numbers (Free
Transform's W and H in percent) keeps doing so."""
from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

from editor.model.resolution import DECIMALS, SUFFIX, from_pixels, parse_length, to_pixels


class LengthSpinBox(QDoubleSpinBox):
    """`unit`: resolution.UNITS' key; `ppi`: the document's resolution; `side`: the pixels
    that are 100 % (the canvas's width for an X, a frame's width for a W)."""

    def __init__(self, unit: str = "pixels", ppi: float = 72.0, side: float = 100.0,
                 parent=None):
        super().__init__(parent)
        self.setRange(-1e7, 1e7)
        self.set_unit(unit, ppi, side)

    def set_unit(self, unit: str, ppi: float, side: float) -> None:
        self.unit, self.ppi, self.side = unit, float(ppi), max(1e-9, float(side))
        self.setDecimals(DECIMALS[unit])
        self.setValue(self.value())  # shown anew

    def pixels(self) -> float:
        """The value as pixels."""
        return to_pixels(self.value(), self.unit, self.ppi, self.side)

    def set_pixels(self, px: float) -> None:
        self.setValue(from_pixels(px, self.unit, self.ppi, self.side))

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{self.decimals()}f}"
        if float(text) == 0:  # (no "-0.00")
            text = text.lstrip("-")
        return f"{text} {SUFFIX[self.unit]}"

    def valueFromText(self, text: str) -> float:
        try:
            px = parse_length(text, self.unit, self.ppi, self.side)
        except ValueError:
            return self.value()
        return from_pixels(px, self.unit, self.ppi, self.side)

    def validate(self, text: str, pos: int):
        try:
            parse_length(text, self.unit, self.ppi, self.side)
        except ValueError:  # (being typed: "2 i" on the way to "2 in")
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def fixup(self, text: str) -> str:
        return self.textFromValue(self.value())  # what it was, for what is not a length
