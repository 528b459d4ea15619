"""A minimal observer (signal/slot) used by the document model.

The model stays free of Qt so that the command line and tests can use it
headless; the UI bridges these signals to Qt where it needs to.
"""
from __future__ import annotations

from typing import Any, Callable


class Signal:
    """Calls connected callables in order, with the arguments given to `emit`."""

    __slots__ = ("_slots", "_blocked")

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []
        self._blocked = 0

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        try:
            self._slots.remove(slot)
        except ValueError:
            pass

    def emit(self, *args: Any) -> None:
        if self._blocked:
            return
        for slot in list(self._slots):
            slot(*args)
