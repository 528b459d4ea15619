"""Progress reporting and cancellation shared by every engine method.

A method receives `progress(step, total, preview=None)` and calls it after
each unit of work (a denoising step, a stage of a classical pipeline). The
callback may raise `Cancelled`; that is how a cancel request stops a job
within one step. `preview`, when given, is an 8-bit RGB or RGBA array.
"""
from __future__ import annotations

import threading
from typing import Callable, Optional, Protocol

import numpy as np

from .errors import Cancelled


class ProgressFn(Protocol):
    def __call__(self, step: int, total: int, preview: Optional[np.ndarray] = None) -> None: ...


def no_progress(step: int, total: int, preview: Optional[np.ndarray] = None) -> None:
    """The default callback: reports nowhere, never cancels."""


class CancelToken:
    """A thread-safe flag a job checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def cancellable(token: CancelToken, report: Callable[..., None] = no_progress) -> ProgressFn:
    """A progress callback that forwards to `report` and raises `Cancelled` once `token` is set."""

    def progress(step: int, total: int, preview: Optional[np.ndarray] = None) -> None:
        token.check()
        report(step, total, preview)
        token.check()

    return progress


def stage_at(weights: dict[str, int], step: int) -> str:
    """The stage (a key of `weights`, in order, as `Stages` counts them) that step `step` of
    the one bar belongs to: what a status line names while the step runs."""
    done = 0
    for name, weight in weights.items():
        done += max(1, int(weight))
        if step < done:
            return name
    return name


class Stages:
    """Maps the sub-steps of several stages onto one monotonic 0..total scale.

    `Stages(progress, {"mask": 1, "matting": 1, "denoise": 30})` gives one
    sub-callback per stage, so a pipeline made of stages reports one smooth,
    monotonic progress bar that reaches `total` exactly once at the end.
    """

    def __init__(self, progress: ProgressFn, weights: dict[str, int]):
        self._progress = progress
        self._offsets: dict[str, int] = {}
        offset = 0
        for name, weight in weights.items():
            self._offsets[name] = offset
            offset += max(1, int(weight))
        self._weights = {name: max(1, int(w)) for name, w in weights.items()}
        self.total = offset
        self._last = 0

    def stage(self, name: str) -> ProgressFn:
        offset, weight = self._offsets[name], self._weights[name]

        def progress(step: int, total: int, preview: Optional[np.ndarray] = None) -> None:
            done = offset + (weight * step) // max(1, total)
            self._last = max(self._last, min(done, self.total))
            self._progress(self._last, self.total, preview)

        return progress

    def done(self, name: str, preview: Optional[np.ndarray] = None) -> None:
        """Marks a stage finished, with what it made to show (also checks for cancellation
        via the callback)."""
        self.stage(name)(1, 1, preview)
