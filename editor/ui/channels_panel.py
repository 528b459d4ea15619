"""The Channels panel (Window > Channels; a tab beside Layers, as Photoshop groups
them): the composite RGB and its Red, Green and Blue channels (a Lab Color document: Lab,
Lightness, a and b), then the document's alpha channels (saved selections), each with a
thumbnail. Ctrl+click on a row loads that
channel as the selection (with Shift, Alt: add, subtract, intersect; RGB loads the
luminosity); a click chooses an alpha channel (Duplicate, Delete and Load Channel as
Selection act on it); a double-click renames one. The buttons below and the panel's menu
are `channel_commands`' actions.

RGB's channels are not shown or painted one at a time here: its colour rows are for
loading selections, and an alpha channel is edited only through Save Selection. Lab's are:
a click on Lightness, a or b (Ctrl+3, 4, 5; `channel_commands`) targets that channel alone
(`Document.channel_target`) and shows it alone in grey; filters, adjustments, strokes and
fills then change only it. Lab (Ctrl+2) targets and shows them all again. The eyes left of
Lab's rows show and hide channels without targeting them (`Document.channels_shown`; two
shown are in colour; the canvas draws them through `channel_view`).

The panel binds to the document in front (`Document.channels`, `channel_target`); it
changes it only through its operations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QListWidgetItem, QStyledItemDelegate, QVBoxLayout

from editor.model import channels
from editor.model.color_modes import LAB_CHANNELS, lab8_pixels

from .document_panel import DocumentPanel, PathList
from .icons import pixmap
from .layers_panel import EYE_W, THUMB, grey_thumbnail, selection_op

if TYPE_CHECKING:
    from .window_api import EditorWindow

KEY = Qt.ItemDataRole.UserRole  # a row's channel: a colour channel's name or an AlphaChannel's uid
EYE = Qt.ItemDataRole.UserRole + 1  # a Lab row's eye: True (shown), False; None: no eye
MENU = ("channel_new", "channel_duplicate", "channel_delete", None,
        "save_selection", "load_selection")
BUTTONS = ("channel_to_selection", "channel_from_selection", "channel_new", "channel_delete")
# Where each colour channel sits in the renderer's ARGB32 pixels (B, G, R, A in memory).
_BGRA = {"Red": 2, "Green": 1, "Blue": 0}
COLOUR_DELAY_MS = 300  # the colour thumbnails follow the picture after its edits settle


class ChannelList(PathList):
    """The rows; with eyes (a Lab document), a press in the eye column left of a row that
    has one toggles it (`eye_clicked`) instead of choosing the row."""

    eye_clicked = Signal(object)  # the row's QListWidgetItem

    def __init__(self):
        super().__init__()
        self.eyes = False

    def mousePressEvent(self, e) -> None:
        item = self.itemAt(e.position().toPoint())
        if self.eyes and item is not None and e.button() == Qt.MouseButton.LeftButton \
                and e.position().x() - self.visualItemRect(item).x() < EYE_W:
            if item.data(EYE) is not None:
                self.eye_clicked.emit(item)
            return
        super().mousePressEvent(e)


class EyeDelegate(QStyledItemDelegate):
    """Draws a row as the list would, moved right of an eye column when the list has eyes
    (the eye on the rows whose EYE is True)."""

    def paint(self, painter, option, index) -> None:
        view = self.parent()
        if not view.eyes:
            super().paint(painter, option, index)
            return
        rect = option.rect
        if index.data(EYE):  # (a hidden channel's column is empty, as the Layers panel's)
            # In the list's text colour: the Layers panel's light grey fades on a light list.
            colour = option.palette.color(QPalette.ColorRole.Text).name()
            dpr = painter.device().devicePixelRatioF()
            painter.drawPixmap(QPoint(rect.x() + EYE_W // 2 - 9,
                                      rect.y() + (rect.height() - 18) // 2),
                               pixmap("eye", 18, colour, dpr))
        option.rect = rect.adjusted(EYE_W, 0, 0, 0)
        super().paint(painter, option, index)

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        return size + QSize(EYE_W, 0) if self.parent().eyes else size


class ChannelsPanel(DocumentPanel):
    MENU = MENU
    MENU_NAME = "ChannelsMenu"

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setObjectName("DockBody")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._make_list("ChannelsList", ChannelList), 1)
        self.list.setItemDelegate(EyeDelegate(self.list))
        self.list.eye_clicked.connect(self._eye_clicked)

        layout.addLayout(self._button_row("ChannelButton", "Channels", BUTTONS))

        self._colour_timer = QTimer(self)
        self._colour_timer.setSingleShot(True)
        self._colour_timer.setInterval(COLOUR_DELAY_MS)
        self._colour_timer.timeout.connect(self._refresh_colour)
        self.set_session(None)

    # -- binding to a document ------------------------------------------------------------
    def _signals(self, doc):
        return ((doc.channels_changed, self._schedule), (doc.size_changed, self._schedule),
                (doc.color_mode_changed, self._schedule),  # (Lab's rows)
                (doc.history.changed, self._schedule_colour))

    def _schedule_colour(self, *_) -> None:
        self._colour_timer.start()

    # -- rows -----------------------------------------------------------------------------
    def rows(self) -> list[tuple[object, str]]:
        """(key, name) of each row, top first."""
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return []
        return [(name, name) for name in channels.colour_channels(doc)] + \
            [(c.uid, c.name) for c in doc.channels]

    def _rebuild(self) -> None:
        self.list.clear()
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        colour = self._colour_icons()
        current = None
        eyes = self.eyes()
        self.list.eyes = bool(eyes)
        for key, name in self.rows():
            thumb = colour[key] if key in colour else self._alpha_icon(channels.find(doc, key))
            item = QListWidgetItem(thumb, name)
            item.setData(KEY, key)
            item.setData(EYE, eyes.get(key))
            item.setToolTip(name if key in colour else
                            f"{name} (Ctrl+click: load as selection; double-click: rename)")
            self.list.addItem(item)
            if key == doc.channel_target:
                current = item
        live = {c.uid for c in doc.channels}
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in live}
        if current is not None:
            self.list.setCurrentItem(current)
        else:
            self.list.setCurrentItem(None)
            self.list.clearSelection()

    def eyes(self) -> dict[str, bool]:
        """Each Lab row's eye (whether its channel shows; the composite's: all of them);
        empty when the document is not Lab (no eyes)."""
        doc = self.session.doc if self.session is not None else None
        if doc is None or doc.color_mode != "lab":
            return {}
        shown = dict(zip(LAB_CHANNELS, doc.channels_shown))
        return {channels.colour_channels(doc)[0]: all(shown.values()), **shown}

    def eye_rect(self, key):
        """Where the eye of row `key` is, in the list's viewport (for tests)."""
        rect = self.row_rect(key)
        return None if rect is None else rect.adjusted(0, 0, EYE_W - rect.width(), 0)

    def _eye_clicked(self, item: QListWidgetItem) -> None:
        """The composite's eye shows every channel; a channel's shows or hides it (the last
        one shown stays), as Photoshop's eyes do."""
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        key = item.data(KEY)
        if key in LAB_CHANNELS:
            k = LAB_CHANNELS.index(key)
            doc.set_channels_shown(tuple(not v if i == k else v
                                         for i, v in enumerate(doc.channels_shown)))
        else:
            doc.set_channels_shown((True, True, True))
        self._schedule()

    def _refresh_colour(self) -> None:
        """The colour rows' thumbnails again (the picture changed)."""
        if self.session is None:
            return
        colour = self._colour_icons()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY) in colour:
                item.setIcon(colour[item.data(KEY)])

    def _colour_icons(self) -> dict[str, QIcon]:
        """RGB and each colour channel's thumbnail, from the composite the canvas keeps
        current (not updated here: the canvas learns from its update what to repaint)."""
        renderer = self.session.renderer
        dpr = self.devicePixelRatioF()
        doc = self.session.doc
        composite = renderer.composite.array
        s = THUMB * dpr / max(doc.width, doc.height)
        w, h = max(1, round(doc.width * s)), max(1, round(doc.height * s))
        rgb = QPixmap.fromImage(renderer.image.scaled(
            w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        rgb.setDevicePixelRatio(dpr)
        names = channels.colour_channels(doc)
        out = {names[0]: QIcon(rgb)}
        if doc.color_mode == "lab":
            # Lightness, a and b of the shown colours, converted at about the thumbnail's
            # size (the whole picture's conversion takes seconds on a big one).
            step = max(1, int(1 / (2 * s)))
            lab = lab8_pixels(np.ascontiguousarray(composite[::step, ::step][..., [2, 1, 0, 3]]))
            for i, name in enumerate(names[1:]):
                out[name] = QIcon(grey_thumbnail(lab[..., i], lab.shape[1], lab.shape[0], dpr))
            return out
        for name, at in _BGRA.items():
            out[name] = QIcon(grey_thumbnail(composite[..., at], doc.width, doc.height, dpr))
        return out

    def _alpha_icon(self, channel) -> QIcon:
        doc = self.session.doc
        dpr = self.devicePixelRatioF()
        cached = self._thumbs.get(channel.uid)
        state = (doc.width, doc.height, dpr)
        if cached is not None and cached[0] is channel.pixels and cached[1] == state:
            return cached[2]
        result = QIcon(grey_thumbnail(channel.pixels, doc.width, doc.height, dpr))
        self._thumbs[channel.uid] = (channel.pixels, state, result)
        return result

    def row_rect(self, key):
        """Where the row of `key` (a colour channel's name or an alpha channel's uid) is
        drawn, in the list's viewport (for tests)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY) == key:
                return self.list.visualItemRect(item)
        return None

    # -- clicks ---------------------------------------------------------------------------
    def _clicked(self, item: QListWidgetItem) -> None:
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        key = item.data(KEY)
        modifiers = self.list.modifiers
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            # Ctrl+click: the channel as the selection; which channel is chosen stays (the
            # list's own Ctrl+click toggled the row: it is shown as before again).
            self._schedule()
            self.main_window.channel_commands.load_channel(key, selection_op(modifiers))
            return
        # An alpha channel or a Lab channel can be chosen (filters act on Lab's alone);
        # the composite and RGB's channels choose none.
        doc.set_channel_target(None if key in channels.COLOUR_CHANNELS or key == "Lab"
                               else key)
        self._schedule()

    def _choose_none(self) -> None:
        if self.session is not None:
            self.session.doc.set_channel_target(None)
        self.list.clearSelection()

    def _double_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(KEY)
        if not channels.is_colour(key):
            self.main_window.channel_commands.rename_channel(key)

