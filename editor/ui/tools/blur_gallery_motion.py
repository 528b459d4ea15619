"""Spin Blur's and Path Blur's controls in the Blur Gallery's on-canvas mode
(`blur_gallery.BlurGalleryTool`, which mixes `MotionControls` in): what a press takes, what
a drag does, how they are drawn and their options-bar fields. The blurs themselves are
`editor.model.blur_gallery_motion`.

- Spin Blur: each spin is drawn and dragged as Iris Blur's ellipse (a spin seen as an
  `IrisBlur`: its centre pin, four square handles that size and turn it, four feather dots
  inside, where the full blur ends), its pin wearing the blur ring (a full turn 360
  degrees of Blur Angle). A click away from every spin adds one there (the selected one's
  size, turn, feather and angle), Alt+drag on a centre pin drags a copy away, as
  Photoshop's, Delete removes the selected spin (one stays). The centre snaps to pixel
  centres, so the centre pixel stays as it was.
- Path Blur: each path is its curve with an arrow at its end, its end points and middle
  point(s) dragged to shape it, a click on its line adding a point there (as Photoshop's),
  a drag on it moving the path (Photoshop: Ctrl+drag), a drag away from every path
  drawing a new one (its middle point half way). A click on an end
  point selects it for the End Point Speed field; Speed, Taper, Centered Blur and the
  Motion Blur Effects' Strobe Strength, Strobe Flashes and Flash Duration are the
  whole blur's. Delete removes the selected path (one stays).
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Optional

from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox

from editor.model import blur_gallery as bg
from editor.model import blur_gallery_motion as bm

GRAB = 8.0          # widget px: how near a point or line a press takes it
POINT = 5.0         # widget px: a path's end point's radius as drawn
MIN_PATH = 6.0      # widget px: a new path shorter than this is dropped (a plain click)


def snap(v: float) -> float:
    """The nearest pixel centre (a spin's centre: its pixel turns onto itself)."""
    return math.floor(v) + 0.5


def new_spin(cx: float, cy: float, r: float, like=None) -> tuple:
    """A spin centred at (cx, cy): `like`'s size, turn, feather and angle, else a circle
    of radius `r` with Photoshop's 15 degrees."""
    if like is not None:
        return (snap(cx), snap(cy)) + tuple(like[2:])
    r = max(4.0, r)
    return (snap(cx), snap(cy), r, r, 0.0, bm.SPIN_FEATHER, bm.SPIN_ANGLE)


def new_path(start, end, speed: float = bm.END_SPEED) -> tuple:
    """A straight path from `start` to `end` with its middle point half way."""
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    return ((tuple(start), middle, tuple(end)), speed, speed)


class MotionControls:
    """Spin's and Path's part of the tool; uses its `op`, `selected`, `end`, `_set`,
    `_steps`, `_w` and Iris's ellipse helpers."""

    _speed_fields: dict = {}

    # -- spins --------------------------------------------------------------------------
    def _spin_view(self, op, i: int) -> bg.IrisBlur:
        """Spin `i` of `op` as an Iris ellipse (its blur the spin's angle)."""
        cx, cy, rx, ry, turn, feather, angle = op.spins[i]
        return bg.IrisBlur(blur=angle, cx=cx, cy=cy, rx=rx, ry=ry, angle=turn, feather=feather)

    @staticmethod
    def _with_spin(op, i: int, view: bg.IrisBlur):
        spins = list(op.spins)
        spins[i] = (snap(view.cx), snap(view.cy), view.rx, view.ry, view.angle, view.feather,
                    view.blur)
        return replace(op, spins=tuple(spins))

    def _set_spin_angle(self, value: float) -> None:
        if self.op.spins:
            view = self._spin_view(self.op, self.selected)
            self._set(self._with_spin(self.op, self.selected,
                                      replace(view, blur=max(0.0, min(360.0, float(value))))))

    def _spin_hit(self, canvas, pos: QPointF, image: QPointF):
        """(what, spin index): the selected spin's controls first, then the others'."""
        spins = self.op.spins
        order = [self.selected] + [i for i in range(len(spins)) if i != self.selected]
        for i in order:
            what = self._ellipse_hit(canvas, pos, image, self._spin_view(self.op, i))
            if what not in ("inside", "none"):
                return what, i
        return "add", None

    # -- paths --------------------------------------------------------------------------
    def _path_hit(self, canvas, pos: QPointF):
        """("point", (path, point)), ("line", path) or ("new", None)."""
        paths = self.op.paths
        order = [self.selected] + [i for i in range(len(paths)) if i != self.selected]
        for i in order:
            for j, (x, y) in enumerate(paths[i][0]):
                p = self._w(canvas, x, y)
                if math.hypot(p.x() - pos.x(), p.y() - pos.y()) <= GRAB:
                    return "point", (i, j)
        for i in order:
            line = [self._w(canvas, x, y) for x, y in bm.curve(paths[i][0])]
            if any(_to_segment(pos, a, b) <= GRAB for a, b in zip(line, line[1:])):
                return "line", i
        return "new", None

    # -- input --------------------------------------------------------------------------
    def _motion_press(self, what: str, index, ev):
        """The press's change (a spin added or copied, a path begun, a selection) and
        what the drag then does: (what, index)."""
        o = self.op
        p = (ev.image.x(), ev.image.y())
        if isinstance(o, bm.SpinBlur):
            if what == "add" or (what == "move" and ev.alt):  # a new spin, or a copy
                like = o.spins[index if what == "move" else self.selected] if o.spins else None
                spin = new_spin(*(o.spins[index][:2] if what == "move" else p),
                                0.15 * min(self.target.bounds().w, self.target.bounds().h),
                                like)
                self.selected = len(o.spins)
                self._set(replace(o, spins=o.spins + (spin,)))
                return "move", self.selected
            self.selected = index
            self._set(o)
            return what, index
        if what == "new":
            self.selected, self.end = len(o.paths), 1
            self._set(replace(o, paths=o.paths + (new_path(p, p),)))
            return "new", self.selected
        if what == "point":
            i, j = index
            self.selected = i
            self.end = 0 if j == 0 else 1 if j == len(o.paths[i][0]) - 1 else None
        else:
            self.selected = index
        self._set(o)
        return what, index

    def _motion_drag(self, what: str, index, start: QPointF, o, p: QPointF):
        """The settings after a drag from `start` to `p`, from `o` (the settings at the
        press)."""
        dx, dy = p.x() - start.x(), p.y() - start.y()
        if isinstance(o, bm.SpinBlur):
            view = self._spin_view(o, index)
            if what == "move":
                view = replace(view, cx=view.cx + dx, cy=view.cy + dy)
            else:
                view = self._iris_drag(view, what, p)
            return self._with_spin(o, index, view)
        paths = list(o.paths)
        if what == "point":
            i, j = index
            points, s0, s1 = paths[i]
            x, y = points[j]
            paths[i] = (points[:j] + ((x + dx, y + dy),) + points[j + 1:], s0, s1)
        elif what == "line":
            points, s0, s1 = paths[index]
            paths[index] = (tuple((x + dx, y + dy) for x, y in points), s0, s1)
        else:  # "new": from the press to the pointer
            _points, s0, s1 = new_path((start.x(), start.y()), (p.x(), p.y()))
            paths[index] = (_points, s0, s1)
        return replace(o, paths=tuple(paths))

    def _motion_release(self, canvas, drag) -> None:
        """A click on a path's line (no drag) adds a point there, as Photoshop's; a new
        path too short to be one (a click) goes, with its Ctrl+Z step."""
        what, index, start, o = drag
        if what == "line" and self.op == o:
            self._add_point(index, start)
            return
        if what != "new" or not self._steps:
            return
        points = self.op.paths[index][0]
        a, b = self._w(canvas, *points[0]), self._w(canvas, *points[-1])
        if math.hypot(a.x() - b.x(), a.y() - b.y()) < MIN_PATH:
            op, self.selected = self._steps.pop()
            self.end = None
            self._set(op)

    def _add_point(self, i: int, at: QPointF) -> None:
        """Path `i` with a point at `at`, between the two points of the span nearest it."""
        points, s0, s1 = self.op.paths[i]
        line = bm.curve(points)
        near = int(((line[:, 0] - at.x()) ** 2 + (line[:, 1] - at.y()) ** 2).argmin())
        span = min(len(points) - 2, near // bm.CURVE_STEPS) if len(points) > 2 else 0
        paths = list(self.op.paths)
        paths[i] = (points[:span + 1] + ((at.x(), at.y()),) + points[span + 1:], s0, s1)
        self._set(replace(self.op, paths=tuple(paths)))

    def _delete_selected(self) -> None:
        """Delete: the selected spin or path (one always stays)."""
        o = self.op
        items = o.spins if isinstance(o, bm.SpinBlur) else o.paths
        if len(items) < 2:
            return
        self._steps.append((o, self.selected))
        items = items[:self.selected] + items[self.selected + 1:]
        self.selected, self.end = len(items) - 1, None
        self._set(replace(o, spins=items) if isinstance(o, bm.SpinBlur)
                  else replace(o, paths=items))

    # -- drawing ------------------------------------------------------------------------
    def _paint_spins(self, canvas, painter: QPainter) -> None:
        for i in range(len(self.op.spins)):  # (the selected one last: on top)
            if i != self.selected:
                self._paint_iris(canvas, painter, self._spin_view(self.op, i), False)
        if self.op.spins:
            self._paint_iris(canvas, painter, self._spin_view(self.op, self.selected))

    def _paint_paths(self, canvas, painter: QPainter) -> None:
        for i, (points, _s0, _s1) in enumerate(self.op.paths):
            line = [self._w(canvas, x, y) for x, y in bm.curve(points)]
            polygon = QPolygonF(line)
            self._shadowed(painter, lambda: painter.drawPolyline(polygon))
            # The arrow's head at the end, along the curve's last segment.
            tip, before = line[-1], line[-2] if len(line) > 1 else line[-1]
            heading = math.atan2(tip.y() - before.y(), tip.x() - before.x())
            for side in (0.45, -0.45):
                back = QPointF(tip.x() - 12 * math.cos(heading + side),
                               tip.y() - 12 * math.sin(heading + side))
                self._shadowed(painter, lambda b=back: painter.drawLine(QLineF(tip, b)))
            for j, (x, y) in enumerate(points):
                end = 0 if j == 0 else 1 if j == len(points) - 1 else None
                lit = i == self.selected and end is not None and end == self.end
                painter.setPen(QPen(QColor(0, 0, 0, 180), 1))
                painter.setBrush(QColor("#4d8fe8") if lit else QColor("#ffffff"))
                painter.drawEllipse(self._w(canvas, x, y), *((POINT,) * 2 if end is not None
                                                            else (3.5, 3.5)))

    # -- options bar --------------------------------------------------------------------
    def _path_fields(self, row) -> None:
        """Speed, Taper, Centered Blur and the selected end point's End Point Speed."""
        self._speed_fields = {}
        for key, text, top, suffix, tip in (
                ("speed", "Speed", 500, " %", "How long the streaks are, for every path"),
                ("taper", "Taper", 100, " %", "How much the streaks fade towards their ends"),
                ("end_speed", "End Point Speed", 500, " px",
                 "The selected end point's speed: the streak's length there at 100 %"),
                ("strobe", "Strobe Strength", 100, " %",
                 "Motion Blur Effects: how much of the streak only the flashes show"),
                ("flashes", "Strobe Flashes", 100, "",
                 "How many sharper copies the flashes leave along each streak"),
                ("flash_duration", "Flash Duration", 360, "°",
                 "How long each flash lasts, as a share of the time between flashes")):
            name = QLabel(text)
            name.setObjectName("Dim")
            row.addWidget(name)
            field = QSpinBox()
            field.setObjectName(f"BlurGallery_{key}")
            field.setRange(1 if key == "flashes" else 0, top)
            field.setSuffix(suffix)
            field.setFixedWidth(76)
            field.setToolTip(tip)
            field.valueChanged.connect(lambda v, k=key: self._typed_path(k, v))
            row.addWidget(field)
            self._speed_fields[key] = field
        box = QCheckBox("Centered Blur")
        box.setObjectName("BlurGallery_centered")
        box.setToolTip("The streak centred on each pixel (else trailing behind it)")
        box.toggled.connect(lambda on: self._typed_path("centered", on))
        row.addWidget(box)
        self._speed_fields["centered"] = box
        self._sync_motion_fields()

    def _typed_path(self, key: str, value) -> None:
        """A Path Blur field changed by the user: one Ctrl+Z step."""
        o = self.op
        if key == "end_speed":
            if self.end is None:
                return
            paths = list(o.paths)
            points, *speeds = paths[self.selected]
            speeds[self.end] = float(value)
            paths[self.selected] = (points, *speeds)
            new = replace(o, paths=tuple(paths))
        elif key == "centered":
            new = replace(o, centered=bool(value))
        elif key == "flashes":
            new = replace(o, flashes=max(1, int(value)))
        else:
            new = replace(o, **{key: float(value)})
        if new != o:
            self._steps.append((o, self.selected))
            self._set(new)

    def _sync_motion_fields(self) -> None:
        """The Path Blur fields showing the settings (the end speed: the selected end's)."""
        o = self.op
        if not self._speed_fields or not isinstance(o, bm.PathBlur):
            return
        end: Optional[float] = None
        if self.end is not None and self.selected is not None and self.selected < len(o.paths):
            end = o.paths[self.selected][1 + self.end]
        values = {"speed": o.speed, "taper": o.taper, "end_speed": end or 0.0,
                  "strobe": o.strobe, "flashes": o.flashes, "flash_duration": o.flash_duration}
        for key, field in self._speed_fields.items():
            field.blockSignals(True)
            if key == "centered":
                field.setChecked(o.centered)
            else:
                field.setValue(round(values[key]))
            field.blockSignals(False)
        self._speed_fields["end_speed"].setEnabled(end is not None)


def _to_segment(p: QPointF, a: QPointF, b: QPointF) -> float:
    """Distance from `p` to the segment a-b."""
    ex, ey = b.x() - a.x(), b.y() - a.y()
    n = ex * ex + ey * ey
    t = 0.0 if n == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * ex + (p.y() - a.y()) * ey) / n))
    return math.hypot(p.x() - a.x() - t * ex, p.y() - a.y() - t * ey)
