"""The histogram behind the Curves graph, following the document as Photoshop's does.

It counts what lies below the Curves layer shown in Properties
(`adjustment_ops.histogram_below`: a few composited strips, about 35 ms on a
20-layer 4000x3000 document). It is made when the layer is first shown and made
again once the document has been still for DELAY_MS after a change that can
alter it: pixels, masks or attributes of a node drawn below the adjustment
(its own settings, mask and flags change its output, not its input; nodes
above it change nothing below), or any change of the stack or canvas. A brush
stroke or a drag restarts the wait at each move, so it costs one histogram
when it stops, not one per move. While no Curves layer is shown nothing is
followed and nothing is kept: showing one makes a fresh histogram.

Every histogram is made off the GUI thread (`worker.start`, 70-180 ms on the photo
document), the first of a shown layer at once, the others after the pause: selecting a
Curves layer or a stroke or drag begun meanwhile is not held up. The graph draws without
one until it comes. One is made at a time; a result that changes made while it ran have
overtaken is dropped and made again.

The Histogram panel's `HistogramFollower` is this with other counts (`_work`) and other
changes that matter (`_affects`).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from editor.model import adjustment_ops
from editor.model.document import Document
from editor.model.layers import Node

from . import worker

DELAY_MS = 200


class BelowHistogram(QObject):
    changed = Signal()  # the counts were made again and differ

    def __init__(self, parent: QObject, is_shown=lambda: True):
        super().__init__(parent)
        self.doc: Optional[Document] = None
        self.node: Optional[Node] = None
        self._counts: Optional[np.ndarray] = None
        self._is_shown = is_shown  # the graph can be seen (else wait until it is)
        self.stale = False
        self._generation = 0  # counts what is asked for: older results are dropped
        self._running = False  # a histogram is being made off the GUI thread
        self._again = False  # ... and changes came after it began
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self._remake)

    def follow(self, doc: Optional[Document], node: Optional[Node]) -> None:
        """Counts what lies below `node` of `doc` from now on (None: follows nothing)."""
        if doc is not self.doc:
            if self.doc is not None:
                self.doc.node_changed.disconnect(self._node_changed)
                self.doc.structure_changed.disconnect(self._stack_changed)
            if doc is not None:
                doc.node_changed.connect(self._node_changed)
                doc.structure_changed.connect(self._stack_changed)
            self.doc = doc
            self._counts = None
        if node is not self.node or node is None:
            self._counts = None
            self.stale = False
            self._generation += 1  # what is being made for the last one is not wanted
            self.timer.stop()
        self.node = node
        if node is not None and self._counts is None and not self.stale:
            self._schedule()  # the first counts: as soon as the event loop runs

    def counts(self) -> Optional[np.ndarray]:
        """(4, 256): RGB, red, green, blue; None until the first counts are made."""
        return self._counts

    def refresh_if_stale(self) -> None:
        """The graph was shown again after changes made while it was hidden."""
        if self.stale and not self.timer.isActive():
            self.timer.start(0 if self._counts is None else DELAY_MS)

    # -- following the document ----------------------------------------------------------
    def _node_changed(self, node: Node, attr: str) -> None:
        if self.node is not None and self._affects(node):
            self._schedule()

    def _affects(self, node: Node) -> bool:
        """Whether a change of `node` can change the counts (`HistogramFollower` says
        otherwise)."""
        return node is not self.node and self._drawn_below(node)

    def _stack_changed(self) -> None:
        if self.node is not None:
            self._schedule()

    def _drawn_below(self, node: Node) -> bool:
        # The stack bottom to top, groups before their children: everything before the
        # adjustment (its enclosing groups included) is composited below it.
        for each in self.doc.nodes():
            if each is self.node:
                return False
            if each is node:
                return True
        return False

    def _schedule(self) -> None:
        self.stale = True
        self._generation += 1
        # Restarted at each change: made once the changes stop (the first counts, which
        # the graph waits for, without the pause).
        self.timer.start(0 if self._counts is None else DELAY_MS)

    def _work(self):
        """What makes the counts off the GUI thread (None: nothing to count now)."""
        if self.node is None or self.doc is None or not self.doc.contains(self.node):
            return None
        doc, node = self.doc, self.node
        return lambda: adjustment_ops.histogram_below(doc, node)

    def _remake(self) -> None:
        work = self._work()
        if work is None:
            return
        if not self._is_shown():
            return  # stays stale: made when the graph shows again
        if self._running:
            self._again = True  # made when the one running ends
            return
        generation = self._generation
        self._running, self._again = True, False
        worker.start(work, lambda counts: self._made(generation, counts), self._failed)

    def _made(self, generation: int, counts: np.ndarray) -> None:
        if not shiboken6.isValid(self):
            return  # the panel went while it was being made
        self._running = False
        if self._again or generation != self._generation:
            if self.stale and not self.timer.isActive():
                self._remake()  # overtaken: made again from the document as it is now
            return
        self.stale = False
        if self._counts is None or not np.array_equal(counts, self._counts):
            self._counts = counts
            self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        # A node removed or a canvas resized while it was read: the change that did it
        # schedules another.
        if shiboken6.isValid(self):
            self._running = False
            if self._again and self.stale and not self.timer.isActive():
                self._remake()
