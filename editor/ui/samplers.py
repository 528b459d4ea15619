"""The colour sampler points of one open document (Color Sampler tool, Shift+I).

Up to ten image pixels whose composite colour the Info panel shows as #1..#10, as in
Photoshop. They belong to the window's view of the document (`DocumentSession.samplers`),
not to the document: they are not in the history and not saved in the PSD (Photoshop
keeps them in its own resource, which other readers ignore)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject, Signal

MAX_SAMPLERS = 10


class ColorSamplers(QObject):
    changed = Signal()  # a sampler added, moved or removed

    def __init__(self):
        super().__init__()
        self.points: list[tuple[int, int]] = []  # image pixels; #n is points[n - 1]

    def add(self, x: int, y: int) -> Optional[int]:
        """A new sampler at pixel (x, y); its index, or None when there are ten already."""
        if len(self.points) >= MAX_SAMPLERS:
            return None
        self.points.append((int(x), int(y)))
        self.changed.emit()
        return len(self.points) - 1

    def move(self, index: int, x: int, y: int) -> None:
        if self.points[index] != (x, y):
            self.points[index] = (int(x), int(y))
            self.changed.emit()

    def remove(self, index: int) -> None:
        """Removes sampler `index`; the ones after it are numbered one less (Photoshop's)."""
        del self.points[index]
        self.changed.emit()

    def clear(self) -> None:
        if self.points:
            self.points.clear()
            self.changed.emit()
