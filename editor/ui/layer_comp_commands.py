"""The Layer Comps panel's commands, as actions in Layer > Layer Comps (the panel's buttons
and menu use them): New Layer Comp… (its dialog: name, Apply To Visibility / Position /
Appearance, comment), Update, Apply, Previous and Next, Rename… and Delete.

The operations are `editor.model.layer_comps`' (no Qt); each is one undo step. Which comp
they act on is the one chosen in the panel (`LayerCompsPanel.chosen`); Apply with the
Last Document State row chosen applies that.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLineEdit, QPlainTextEdit, QVBoxLayout)

from editor.model import layer_comps

from . import dialogs
from .actions import ActionSpec, Context, Spec, SubmenuSpec, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


class NewLayerCompDialog(QDialog):
    """New Layer Comp (and, for an existing comp, Layer Comp Options): the name, what
    applying it restores (Apply To Layers: Visibility, Position, Appearance) and a
    comment."""

    def __init__(self, parent, name: str, comp: Optional["layer_comps.LayerComp"] = None):
        super().__init__(parent)
        self.setWindowTitle("New Layer Comp" if comp is None else "Layer Comp Options")
        self.setObjectName("NewLayerCompDialog")
        self.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("CompName")
        self.name.selectAll()
        form.addRow("&Name:", self.name)
        box = QGroupBox("Apply To Layers")
        row = QHBoxLayout(box)
        self.flags = {}
        for attr, label in (("visibility", "&Visibility"), ("position", "&Position"),
                            ("appearance", "&Appearance (Layer Style)")):
            check = QCheckBox(label)
            check.setObjectName(f"Comp_{attr}")
            check.setChecked(True if comp is None else getattr(comp, attr))
            row.addWidget(check)
            self.flags[attr] = check
        form.addRow(box)  # (one form: the Name and Comment fields line up)
        self.comment = QPlainTextEdit(comp.comment if comp is not None else "")
        self.comment.setObjectName("CompComment")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(self.comment.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow("&Comment:", self.comment)
        layout.addLayout(form)
        layout.addWidget(dialogs.ok_cancel(self))

    def choice(self) -> dict:
        """new_comp's arguments: name, the three flags, comment."""
        return dict(name=self.name.text(), comment=self.comment.toPlainText(),
                    **{attr: check.isChecked() for attr, check in self.flags.items()})


def has_comps(c: Context) -> bool:
    return c.doc is not None and bool(c.doc.layer_comps.comps)


class LayerCompCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def _panel_choice(self):
        panel = getattr(self.window, "layer_comps_panel", None)  # (made after the actions)
        return panel.chosen if panel is not None else None

    def chosen(self, doc=None):
        """The uid of the comp chosen in the panel (None: none, or Last Document State)."""
        doc = doc if doc is not None else self.window.doc
        uid = self._panel_choice()
        return uid if doc is not None and layer_comps.find(doc, uid) is not None else None

    def action_specs(self) -> list[Spec]:
        def in_comps(name, text, slot, enabled, icon, tip, separator=False):
            return ActionSpec(name, text, slot, icon=icon, tip=tip, enabled=enabled,
                              menu="layer_comps", separator=separator)

        def comp_chosen(c: Context) -> bool:
            return c.doc is not None and self.chosen(c.doc) is not None

        def can_apply(c: Context) -> bool:
            return comp_chosen(c) or (c.doc is not None and c.doc.layer_comps.last is not None
                                      and self._panel_choice() == layer_comps.LAST_STATE)

        return [
            SubmenuSpec("layer_comps", "Layer Co&mps", menu="layer", separator=True),
            in_comps("comp_new", "&New Layer Comp…", self.new_comp,
                     lambda c: c.doc is not None, "layer-new",
                     "New layer comp: the layers' visibility, position and appearance now"),
            in_comps("comp_update", "&Update Layer Comp", self.update_comp, comp_chosen,
                     "update", "Update the chosen layer comp to the layers as they are now"),
            in_comps("comp_apply", "&Apply Layer Comp", self.apply_comp, can_apply,
                     "layer-comp", "Apply the chosen layer comp"),
            in_comps("comp_previous", "Apply &Previous Layer Comp", lambda: self.step(-1),
                     has_comps, "chevron-left", "Apply the previous layer comp"),
            in_comps("comp_next", "Apply Ne&xt Layer Comp", lambda: self.step(1), has_comps,
                     "chevron-right", "Apply the next layer comp"),
            in_comps("comp_options", "Layer Comp &Options…", self.comp_options, comp_chosen,
                     None, "Name, Apply To and comment of the chosen layer comp",
                     separator=True),
            in_comps("comp_rename", "&Rename Layer Comp…", self.rename_comp, comp_chosen,
                     None, "Rename the chosen layer comp"),
            in_comps("comp_delete", "&Delete Layer Comp", self.delete_comp, comp_chosen,
                     "layer-delete", "Delete the chosen layer comp"),
        ]

    def _op(self, what: str, fn):
        return run_on_doc(self.window, f"Could not {what}", fn)

    def _choose(self, uid) -> None:
        self.window.layer_comps_panel.choose(uid)

    def new_comp(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        dialog = NewLayerCompDialog(self.window, layer_comps.next_comp_name(doc))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        args = dialog.choice()
        made = self._op("make the layer comp", lambda d: layer_comps.new_comp(d, **args))
        if made is not None:
            self._choose(made.uid)

    def update_comp(self) -> None:
        uid = self.chosen()
        self._op("update the layer comp", lambda d: layer_comps.update_comp(d, uid))

    def apply_comp(self, uid=None) -> None:
        """Applies the comp `uid` (None: the one chosen in the panel; LAST_STATE: the Last
        Document State)."""
        uid = self._panel_choice() if uid is None else uid
        if uid is None:
            return
        target = None if uid == layer_comps.LAST_STATE else uid
        self._op("apply the layer comp", lambda d: layer_comps.apply_comp(d, target))
        self._choose(uid)

    def step(self, direction: int) -> None:
        self._op("apply the layer comp", lambda d: layer_comps.step_comp(d, direction))
        doc = self.window.doc
        if doc is not None:
            self._choose(doc.layer_comps.applied or layer_comps.LAST_STATE)

    def comp_options(self) -> None:
        doc = self.window.doc
        comp = layer_comps.find(doc, self.chosen()) if doc is not None else None
        if comp is None:
            return
        dialog = NewLayerCompDialog(self.window, comp.name, comp)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        args = dialog.choice()
        self._op("change the layer comp",
                 lambda d: layer_comps.set_options(d, comp.uid, **args))

    def rename_comp(self, uid=None) -> None:
        doc = self.window.doc
        comp = layer_comps.find(doc, self.chosen() if uid is None else uid) \
            if doc is not None else None
        if comp is None:
            return
        name = dialogs.ask_text(self.window, "Rename Layer Comp", "Name:", comp.name)
        if name is not None:
            self._op("rename the layer comp",
                     lambda d: layer_comps.rename_comp(d, comp.uid, name))

    def delete_comp(self) -> None:
        uid = self.chosen()
        self._op("delete the layer comp", lambda d: layer_comps.delete_comp(d, uid))
