"""The slice commands: the Slice tool's Slices From Guides, the Slice Select tool's Slice
Options…, Divide Slice… and Delete Slice (also in View > Slices, with Clear Slices), View >
Lock Slices (which those that change slices obey), View > Show > Slices (in `view_commands`,
with the other View > Show switches), and File > Export > Save for Web (Legacy)… (the
slices as PNG or JPEG files, with their HTML page or alone, a job with progress and
Cancel: `slices_to_files`). Each edit is one undo step (`editor/model/slices.py`); the
tools are `tools/slice.py`."""
from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING, Optional

from editor.jobs import Job, operation_job
from editor.model import slices as model
from editor.model import slices_to_files
from editor.model.slices_to_files import SlicesToFilesSettings
from engine.box import Box

from . import dialogs
from .actions import ActionSpec, SubmenuSpec, has_doc, run_on_doc
from .file_commands import WaitCursor
from .slice_dialogs import DivideSliceDialog, SaveSlicesDialog, SliceOptionsDialog
from .slice_overlay import LOCKED, slices_locked

if TYPE_CHECKING:
    from .window_api import EditorWindow

FAILURE = "Could not change the slices"
SAVE_FAILURE = "Could not save the slices"


def has_slices(c) -> bool:
    return c.doc is not None and bool(c.doc.slices)


class SliceCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog = None  # the last dialog shown (tests, screenshots)

    def action_specs(self) -> list:
        # Photoshop has these on the slice tools' options bars and right-click menu (and Clear
        # Slices in View); here View > Slices holds them too, so each has a menu place.
        return [
            SubmenuSpec("slices_menu", "Sli&ces", menu="view", after="clear_guides"),
            ActionSpec("slices_from_guides", "Slices From &Guides", self.slices_from_guides,
                       enabled=has_doc, menu="slices_menu",
                       tip="Replace the slices by the cells the guides cut the canvas into"),
            ActionSpec("slice_options", "Slice &Options…", self.slice_options, enabled=has_doc,
                       menu="slices_menu", after="slices_from_guides", separator=True,
                       tip="Name, URL, Target, Alt Tag and size of the chosen slice"),
            ActionSpec("divide_slice", "&Divide Slice…", self.divide_slice, enabled=has_doc,
                       menu="slices_menu", after="slice_options",
                       tip="Cut the chosen slice into rows or columns"),
            ActionSpec("delete_slice", "D&elete Slice", self.delete_slice, enabled=has_slices,
                       menu="slices_menu", after="divide_slice"),
            ActionSpec("clear_slices", "&Clear Slices", self.clear_slices, enabled=has_slices,
                       menu="slices_menu", after="delete_slice", separator=True,
                       tip="Delete every user slice"),
            # (Photoshop's View > Lock Slices: an application setting, like Lock Guides)
            ActionSpec("lock_slices", "Lock Sl&ices", self.toggle_lock, menu="view",
                       after="slices_menu", checkable=True,
                       checked=lambda c: self.window.view_commands.options.lock_slices,
                       tip="Keep the slices from being made, moved, resized or deleted"),
            ActionSpec("save_slices", "Save for &Web (Legacy)…", self.save_slices,
                       "Alt+Shift+Ctrl+S", enabled=has_doc, menu="export_menu",
                       after="layers_to_files",
                       tip="The slices as image files, with the HTML page that puts them "
                           "together or alone"),
        ]

    def toggle_lock(self) -> None:
        self.window.view_commands.toggle("lock_slices")

    def _refused(self) -> bool:
        """Whether View > Lock Slices refuses a change to the slices (the status bar says
        so)."""
        if slices_locked(self.window.canvas):
            self.window.status(LOCKED)
            return True
        return False

    # -- the chosen slice -----------------------------------------------------------------------
    @property
    def chooser(self):
        return self.window.tools.tools["slice_select"]

    def _chosen(self, doc, promote: bool) -> Optional[int]:
        """The chosen slice's index (an auto slice made a user slice when `promote`); the
        status bar says so when none is chosen."""
        index = self.chooser.promote_chosen(doc) if promote else self.chooser.chosen_index(doc)
        if index is None:
            self.window.status("Choose a slice first: click it with the Slice Select tool (C).")
        return index

    def _chosen_box(self, doc) -> Optional[Box]:
        """The chosen slice's box (an auto slice's too), or None, the status bar saying so
        when there is a document."""
        if doc is None:
            return None
        box = self.chooser.chosen_box(doc)
        if box is None:
            self._chosen(doc, False)
        return box

    def slices_from_guides(self) -> None:
        if self._refused():
            return

        def make(doc) -> None:
            model.from_guides(doc)
            self.chooser.choose(doc, None)
            self.window.status(f"Made {len(doc.slices)} slices from the guides.")
        run_on_doc(self.window, FAILURE, make)

    def slice_options(self) -> None:
        w = self.window
        doc = w.doc
        if self._chosen_box(doc) is None:
            return
        # (an auto slice opens as the user slice it becomes on OK, as in Photoshop; while
        # the slices are locked none is made, so an auto slice's options are refused)
        index = self.chooser.chosen_index(doc)
        if index is None and self._refused():
            return
        current = doc.slices[index] if index is not None else \
            model.Slice(self.chooser.chosen_box(doc), uid=model.next_uid(doc.slices))
        shown = [n for n, b, s in model.numbered(doc.width, doc.height, doc.slices)
                 if (s is current) or (s is None and index is None and b == current.box)]
        base = os.path.splitext(w.session.title)[0]
        self.dialog = dialog = SliceOptionsDialog(w, current, model.default_name(
            base, shown[0] if shown else 1), doc.size, slices_locked(w.canvas))
        if not dialog.exec():
            return
        new = dialog.result_slice()

        def apply(doc) -> None:
            if new == current and index is not None:
                return
            if index is None:
                with doc.history.macro("Slice Options"):
                    made = model.promote(doc, current.box)
                    model.replace_slice(doc, made, dataclasses.replace(
                        new, uid=doc.slices[made].uid), "Slice Options")
                self.chooser.choose(doc, doc.slices[made].uid)
            else:
                model.replace_slice(doc, index, new, "Slice Options")
                self.chooser.choose(doc, new.uid)
        run_on_doc(w, FAILURE, apply)

    def divide_slice(self) -> None:
        w = self.window
        doc = w.doc
        if self._chosen_box(doc) is None or self._refused():
            return
        self.dialog = dialog = DivideSliceDialog(w, self.chooser.chosen_box(doc))
        if not dialog.exec():
            return
        rows, columns = dialog.choice()
        if rows is None and columns is None:
            return

        def apply(doc) -> None:
            with doc.history.macro("Divide Slice"):
                index = self._chosen(doc, True)
                model.divide_slice(doc, index, rows, columns)
        run_on_doc(w, FAILURE, apply)

    def delete_slice(self) -> None:
        canvas = self.window.canvas
        if canvas is not None and not self.chooser.delete_chosen(canvas):
            self._chosen(canvas.doc, False)

    def clear_slices(self) -> None:
        if self._refused():
            return

        def clear(doc) -> None:
            doc.set_slices((), "Clear Slices")
            self.chooser.choose(doc, None)
        run_on_doc(self.window, FAILURE, clear)

    # -- File > Export > Save for Web (Legacy)… -----------------------------------------------
    def save_slices(self) -> Optional[Job]:
        w = self.window
        session = w.session
        if session is None:
            return None
        w.tools.end_mode(commit=True)
        settings = w.settings
        folder = os.path.dirname(session.file) if session.file else settings.last_dir()
        start = SlicesToFilesSettings(settings.value("save_slices/folder", folder),
                                      settings.value("save_slices/format", "PNG"),
                                      settings.value("save_slices/quality", 90, int),
                                      settings.value("save_slices/output", "images"),
                                      settings.value("save_slices/which", "user"))
        self.dialog = dialog = SaveSlicesDialog(w, start, len(session.doc.slices))
        if not dialog.exec():
            return None
        chosen = dialog.settings()
        for key, value in (("folder", chosen.folder), ("format", chosen.format),
                           ("quality", chosen.quality), ("output", chosen.output),
                           ("which", chosen.which)):
            settings.set_value(f"save_slices/{key}", value)
        return self.write_slices(chosen)

    def write_slices(self, chosen: SlicesToFilesSettings) -> Optional[Job]:
        """The job that writes the user slices of the document in front by `chosen`."""
        w = self.window
        session = w.session
        try:
            with WaitCursor():
                prepared = slices_to_files.prepare(session.doc, chosen,
                                                   os.path.splitext(session.title)[0],
                                                   session.title)
        except Exception as exc:
            w.report(exc, SAVE_FAILURE)
            return None
        clashes = slices_to_files.existing(prepared)
        if clashes and not dialogs.ask_replace_files(w, chosen.folder, clashes):
            return None

        def publish(done) -> None:
            paths = slices_to_files.publish(done)
            w.status(f"Wrote {len(paths)} file{'s' if len(paths) != 1 else ''} to "
                     f"{chosen.folder}.")

        job = operation_job(slices_to_files.NAME, slices_to_files.run, prepared,
                            on_finished=publish,
                            on_failed=lambda _m: slices_to_files.discard(prepared),
                            on_cancelled=lambda: slices_to_files.discard(prepared))
        return w.jobs.submit(job, canvas=session.canvas, failure_title=SAVE_FAILURE)
