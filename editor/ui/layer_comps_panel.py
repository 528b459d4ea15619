"""The Layer Comps panel (Window > Layer Comps; a tab beside History, as Photoshop
docks it with the small panels): a "Last Document State" row, then the document's comps.
The applied one (or Last Document State, when none is) shows the comp icon in the left
column; a click on that column, or a double-click on a row, applies the row's comp; a
click elsewhere chooses it (Update, Rename, Delete act on it). Below: the panel menu,
Previous and Next, Update, New and Delete, all `layer_comp_commands`' actions.

The panel binds to the document in front (`Document.layer_comps`); it changes it only
through those commands. Which row is chosen is the panel's (`chosen`), not the document's.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListWidgetItem, QVBoxLayout

from editor.model import layer_comps

from .document_panel import DocumentPanel, PathList
from .icons import icon

if TYPE_CHECKING:
    from .window_api import EditorWindow

KEY = Qt.ItemDataRole.UserRole  # a row's comp uid, or layer_comps.LAST_STATE
ICON = 18                      # the applied marker's size; its column is ICON_COLUMN wide
ICON_COLUMN = 30
MENU = ("comp_new", "comp_update", "comp_apply", None, "comp_previous", "comp_next", None,
        "comp_options", "comp_rename", "comp_delete")
BUTTONS = ("comp_previous", "comp_next", "comp_update", "comp_new", "comp_delete")


class CompList(PathList):
    """The rows; where the last press was (`press_x`, in the viewport), so that a click on
    the icon column applies instead of choosing."""

    def __init__(self):
        super().__init__()
        self.press_x = -1

    def mousePressEvent(self, e) -> None:
        self.press_x = int(e.position().x())
        super().mousePressEvent(e)


class LayerCompsPanel(DocumentPanel):
    MENU = MENU
    MENU_NAME = "LayerCompsMenu"

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setObjectName("DockBody")
        self.chosen = None  # the chosen row: a comp's uid, LAST_STATE or None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._make_list("LayerCompsList", CompList), 1)
        self.list.setIconSize(QSize(ICON, ICON))
        layout.addLayout(self._button_row("CompButton", "Layer Comps", BUTTONS))
        blank = QPixmap(ICON, ICON)
        blank.fill(Qt.GlobalColor.transparent)
        self._blank = QIcon(blank)
        self.set_session(None)

    # -- binding to a document ------------------------------------------------------------
    def _signals(self, doc):
        return ((doc.layer_comps_changed, self._schedule),)

    def set_session(self, session) -> None:
        if session is not self.session:
            self.chosen = None
        super().set_session(session)

    # -- rows -----------------------------------------------------------------------------
    def rows(self) -> list[tuple[object, str]]:
        """(key, name) of each row, top first."""
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return []
        return [(layer_comps.LAST_STATE, layer_comps.LAST_STATE)] + \
            [(c.uid, c.name) for c in doc.layer_comps.comps]

    def applied_row(self):
        """The key of the row that shows the applied marker."""
        doc = self.session.doc
        return doc.layer_comps.applied if doc.layer_comps.applied is not None \
            else layer_comps.LAST_STATE

    def _rebuild(self) -> None:
        self.list.clear()
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        live = {c.uid for c in doc.layer_comps.comps}
        if self.chosen not in live and self.chosen != layer_comps.LAST_STATE:
            self.chosen = None
        applied = self.applied_row()
        marker = icon("layer-comp")
        current = None
        for key, name in self.rows():
            item = QListWidgetItem(marker if key == applied else self._blank, name)
            item.setData(KEY, key)
            item.setSizeHint(QSize(0, 28))
            comp = layer_comps.find(doc, key)
            if comp is None:
                tip = "The document before a layer comp was applied (click the icon to " \
                      "go back to it)"
            else:
                flags = ", ".join(label for attr, label in (
                    ("visibility", "Visibility"), ("position", "Position"),
                    ("appearance", "Appearance")) if getattr(comp, attr)) or "nothing"
                tip = f"{comp.name}\nApplies: {flags}" + \
                    (f"\n{comp.comment}" if comp.comment else "") + \
                    "\n(click the icon or double-click: apply)"
            item.setToolTip(tip)
            self.list.addItem(item)
            if key == self.chosen:
                current = item
        if current is not None:
            self.list.setCurrentItem(current)
        else:
            self.list.setCurrentItem(None)
            self.list.clearSelection()

    def row_rect(self, key):
        """Where the row of `key` (a comp's uid or LAST_STATE) is drawn, in the list's
        viewport (for tests)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY) == key:
                return self.list.visualItemRect(item)
        return None

    def choose(self, key) -> None:
        """Makes the row of `key` the chosen one (None: none)."""
        self.chosen = key
        self._schedule()
        self.main_window.update_actions()

    # -- clicks ---------------------------------------------------------------------------
    def _clicked(self, item: QListWidgetItem) -> None:
        key = item.data(KEY)
        self.choose(key)
        if self.list.press_x < ICON_COLUMN:  # the applied marker's column: apply it
            self._apply(key)

    def _double_clicked(self, item: QListWidgetItem) -> None:
        self._apply(item.data(KEY))

    def _apply(self, key: Optional[object]) -> None:
        if self.session is None:
            return
        doc = self.session.doc
        if key == layer_comps.LAST_STATE and doc.layer_comps.last is None:
            return  # no comp applied yet: the document is its last state already
        self.main_window.layer_comp_commands.apply_comp(key)

    def _choose_none(self) -> None:
        self.choose(None)
        self.list.clearSelection()
