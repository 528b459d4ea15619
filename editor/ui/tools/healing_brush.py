"""Healing Brush (J; Shift+J after the Spot Healing Brush): Alt+click a source point, then
paint over a blemish; on release the stroke is healed: the source's texture is laid on the
destination's own colour and light (`editor.model.healing`, the healing blend).

It is the Clone Stamp (`CloneStampTool`: the source point, Aligned, Sample, the crosshair,
`BrushStroke` for the stroke's cover and the selection) whose stroke shows a plain copy
while the button is held and is laid again, healed, when it is released, as Photoshop's
heals on release. Each stroke is one undo step.

The heal (a fraction of a second for a wide stroke, more for a long one) runs on the
window's job worker (progress, Esc cancels: the plain copy stays), the stroke's edit
kept open and its plain copy shown until the healed result lands. Whatever needs the
picture healed so far first settles the waiting heal (`settle`: it waits for the running
heal or, if the worker is busy with another job, heals at once): the next stroke, Undo,
another tool. So no stroke is lost and the steps come in the order they were painted.
"""
from __future__ import annotations

from typing import Optional

from editor.jobs import FINISHED, Job
from editor.model.healing import StrokeHeal

from .clone import CloneStampTool


class _Pending:
    """A stroke whose heal has not landed: its open edit, its heal, its job."""

    def __init__(self, heal: StrokeHeal, edit, canvas):
        self.heal, self.edit, self.canvas = heal, edit, canvas
        self.session = canvas.session
        self.job: Optional[Job] = None
        self.done = False


class HealingBrushTool(CloneStampTool):
    id = "heal_brush"
    label = "Healing Brush Tool"
    letter = "J"
    icon = "tool-heal-brush"
    tip = ("Alt+click where to take texture from, then paint over a blemish: on release the "
           "texture is blended into the colour and light around it ([ and ] change the size)")
    history_name = "Healing Brush"
    verb = "heal"
    sliders = ("size", "hardness")  # Photoshop's Healing Brush has no Opacity or Flow
    no_source = ("Alt+click where to heal from first: the Healing Brush takes its texture "
                 "from the point you Alt+click.")
    source_set = "Healing source set at {x}, {y}: paint over what to heal."

    def __init__(self, window):
        super().__init__(window)
        # Always full: a hidden setting left from elsewhere must not thin the heal.
        self.opacity = self.flow = 1.0
        self._pending: Optional[_Pending] = None
        window.jobs.job_ended.connect(self._job_ended)

    @property
    def busy(self) -> bool:
        """Whether a stroke waits for its heal."""
        return self._pending is not None

    def press(self, canvas, ev) -> None:
        self.settle()   # the new stroke samples (and comes after) the one before, healed
        super().press(canvas, ev)

    def deactivate(self, canvas) -> None:
        super().deactivate(canvas)
        self.settle()

    def step_back(self) -> bool:
        """Undo while a heal is waiting: it lands first, so Undo takes the healed stroke
        back as one step (never the step before it)."""
        self.settle()
        return False

    def _end_stroke(self) -> None:
        stroke, source, edit = self._stroke, self._snapshot, self._edit
        if edit is None or stroke is None or source is None:
            super()._end_stroke()
            return
        try:
            heal = StrokeHeal(stroke, source, self._offset, self.opacity,
                              self._layer.transparency_locked())
        except Exception as exc:  # the plain copy stays; the step can be undone
            self.window.report(exc, "Could not heal")
            heal = None
        if heal is None or heal.empty:
            super()._end_stroke()
            return
        # The edit stays open (the plain copy shows) until the heal lands: take it from
        # BrushTool, which would end it now.
        pending = self._pending = _Pending(heal, edit, self._canvas)
        self._edit = None
        self._stroke_end = self._path.last
        super()._end_stroke()
        job = Job(self.history_name, lambda progress: heal.result(progress),
                  on_finished=lambda healed: self._land(pending, healed))
        pending.job = job
        self.window.jobs.submit(job, canvas=pending.canvas, failure_title="Could not heal")

    def settle(self) -> None:
        """Lands the waiting heal now (on the GUI thread, see the module's note)."""
        pending = self._pending
        if pending is None:
            return
        try:
            healed = pending.heal.result()
        except Exception as exc:  # the plain copy stays; the step can be undone
            self.window.report(exc, "Could not heal")
            healed = None
        self._land(pending, healed)

    def _job_ended(self, job: Job) -> None:
        pending = self._pending
        if pending is not None and job is pending.job and job.state != FINISHED:
            self._land(pending, None)   # failed (the job's dialog says so) or cancelled

    def _land(self, pending: _Pending, healed) -> None:
        """The stroke's heal laid (or, with None, its plain copy kept) and its step ended."""
        if pending.done:
            return
        pending.done = True
        if self._pending is pending:
            self._pending = None
        if pending.session not in self.window.sessions:   # its document was closed
            return
        doc = pending.session.doc
        try:
            pending.heal.land(healed)
        except Exception as exc:
            self.window.report(exc, "Could not heal")
        try:
            doc.end_pixel_edit(pending.edit)
        except Exception as exc:
            self.window.report(exc, "Could not heal")
        pending.canvas.update()
