"""A retouching tool's heal on the window's job worker (the Healing Brush's stroke, the
Patch tool's patch): at most one in flight per tool, laid on the GUI thread exactly once.

The job shows in the status bar (progress; Esc cancels) and the window stays live. The
tool lays the result when the job finishes; whatever needs the picture healed so far
(the tool's next stroke or drag, a window action, another tool, and any change recorded in
the document's history: `History.before_change`) calls `settle` first, which takes
the result at once (`Heal.result`: it waits for the running heal or, if the worker is busy
with another job, heals on the spot), so no heal is lost and the steps come in the order
they were made. A failed or cancelled job lays None (the tool keeps the document as the
heal found it); a heal whose document was closed is dropped.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from editor.jobs import FINISHED, Job
from editor.model.healing import Heal


class _Entry:
    def __init__(self, heal: Heal, lay: Callable[[Optional[np.ndarray]], None], session,
                 title: str):
        self.heal, self.lay, self.session, self.title = heal, lay, session, title
        self.job: Optional[Job] = None
        self.done = False


class HealJob:
    def __init__(self, window):
        self.window = window
        self._entry: Optional[_Entry] = None
        window.jobs.job_ended.connect(self._ended)

    @property
    def busy(self) -> bool:
        """Whether a heal has not landed yet."""
        return self._entry is not None

    def start(self, name: str, heal: Heal, lay: Callable[[Optional[np.ndarray]], None],
              canvas, failure_title: str, preview: bool = False) -> None:
        """Submits `heal`; `lay(healed or None)` lands it. `preview`: the plain copy is drawn
        over the canvas (in the heal's box, `heal.at`) until then."""
        self.settle()
        entry = self._entry = _Entry(heal, lay, canvas.session, failure_title)
        # A change from anywhere (a panel's widget as well as a menu or a tool) lands the
        # heal before its own step is made.
        canvas.session.doc.history.before_change = self.settle

        def run(progress):
            if preview and not entry.done:
                progress(0, 1, heal.plain())
            return heal.result(progress)
        entry.job = Job(name, run, on_finished=lambda healed: self._land(entry, healed))
        self.window.jobs.submit(entry.job, canvas=canvas,
                                preview_box=heal.at if preview else None,
                                failure_title=failure_title)

    def settle(self) -> None:
        """Lands the waiting heal now."""
        entry = self._entry
        if entry is None:
            return
        try:
            healed = entry.heal.result()
        except Exception as exc:
            self.window.report(exc, entry.title)
            healed = None
        self._land(entry, healed)

    def _ended(self, job: Job) -> None:
        entry = self._entry
        if entry is not None and job is entry.job and job.state != FINISHED:
            self._land(entry, None)   # failed (the job's dialog says so) or cancelled

    def _land(self, entry: _Entry, healed: Optional[np.ndarray]) -> None:
        if entry.done:
            return
        entry.done = True
        if self._entry is entry:
            self._entry = None
        history = entry.session.doc.history
        if history.before_change == self.settle:
            history.before_change = None
        if entry.session not in self.window.sessions:   # its document was closed
            return
        try:
            entry.lay(healed)
        except Exception as exc:
            self.window.report(exc, entry.title)
