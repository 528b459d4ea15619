"""Edit > Find and Replace Text…: Photoshop's dialog over the type layers' text.

Find What, Change To, Search All Layers (ticked at first, as in Photoshop), Case
Sensitive and Whole Word; Find Next finds
the next match (its layer made active, the match told in the dialog's line), Change
replaces the match found, Change All every match (one undo step for all), Change/Find
replaces and finds the next; Done closes. Each change is one undo step
(`find_text`); a problem (nothing to find, a locked layer) is one line in the dialog.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout)

from editor.model import find_text
from editor.model.errors import DocumentError


class FindReplaceDialog(QDialog):
    def __init__(self, parent, editor):
        super().__init__(parent)
        self.setObjectName("FindReplaceDialog")
        self.setWindowTitle("Find and Replace Text")
        self.editor = editor
        self.match: Optional[find_text.Match] = None
        # Whether `match` is a match found and not yet changed (after a change it is the
        # new text's span: the search goes on after it, and the next change finds first).
        self.found = False
        self.find = QLineEdit()
        self.find.setObjectName("FindWhat")
        self.change_to = QLineEdit()
        self.change_to.setObjectName("ChangeTo")
        self.all_layers = QCheckBox("Search &All Layers")
        self.all_layers.setObjectName("SearchAllLayers")
        self.all_layers.setChecked(True)  # (Photoshop's default)
        self.case = QCheckBox("&Case Sensitive")
        self.case.setObjectName("CaseSensitive")
        self.whole = QCheckBox("&Whole Word Only")
        self.whole.setObjectName("WholeWord")
        self.message = QLabel("")
        self.message.setObjectName("FindMessage")
        form = QFormLayout()
        form.addRow("&Find What:", self.find)
        form.addRow("C&hange To:", self.change_to)
        for box in (self.all_layers, self.case, self.whole):
            form.addRow("", box)
        buttons = QDialogButtonBox()
        self.buttons = {}
        for name, text, slot in (("FindNext", "Find &Next", self.find_next),
                                 ("Change", "Chan&ge", self.change),
                                 ("ChangeAll", "Change A&ll", self.change_all),
                                 ("ChangeFind", "Change/F&ind", self.change_find),
                                 ("Done", "&Done", self.accept)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            self.buttons[name] = button
        self.buttons["FindNext"].setDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for box in (self.find, self.change_to):
            box.textChanged.connect(self._forget)
        for box in (self.all_layers, self.case, self.whole):
            box.toggled.connect(self._forget)

    def query(self) -> find_text.Query:
        return find_text.Query(self.find.text(), self.change_to.text(),
                               self.all_layers.isChecked(), self.case.isChecked(),
                               self.whole.isChecked())

    def _forget(self) -> None:
        self.match, self.found = None, False  # (a new search: from the active layer)

    def _run(self, fn):
        """`fn(doc)` with a problem said in the dialog's one line; None then."""
        doc = self.editor.doc
        try:
            if doc is None:
                raise DocumentError("Open a document first.")
            return fn(doc)
        except DocumentError as exc:
            self.message.setText(str(exc))
            return None

    def find_next(self) -> Optional[find_text.Match]:
        def run(doc):
            match = find_text.find_next(doc, self.query(), self.match)
            self.match, self.found = match, match is not None
            if match is None:
                self.message.setText(f"'{self.find.text()}' was not found.")
                return None
            doc.set_active(match.layer)
            self.message.setText(f"Found '{match.found()}' in '{match.layer.name}' at "
                                 f"character {match.start + 1}.")
            return match

        return self._run(run)

    def change(self) -> bool:
        """Replaces the match found (finding the next one first if none is found and not
        yet changed). Returns whether it changed one."""
        if not self.found and self.find_next() is None:
            return False

        def run(doc):
            self.match = find_text.change(doc, self.query(), self.match)
            self.found = False
            self.message.setText(f"Changed in '{self.match.layer.name}'.")
            return self.match

        return self._run(run) is not None

    def change_find(self) -> None:
        if self.change():
            self.find_next()

    def change_all(self) -> None:
        def run(doc):
            count, locked = find_text.change_all(doc, self.query())
            self.match, self.found = None, False
            plural = "" if count == 1 else "s"
            self.message.setText(
                f"{count} change{plural} made." + (f" {locked} locked layer(s) left as "
                                                    f"they were." if locked else "")
                if count or locked else f"'{self.find.text()}' was not found.")

        self._run(run)
