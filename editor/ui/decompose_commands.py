"""The window's Decompose commands: Layer > Decompose, its options, Quick Mask, layered images.

- **Layer > Decompose** (Alt+Ctrl+D; also in the Layers panel's context menu
  and the Marquee and Quick Mask option bars) splits the active layer around
  the object marked by the marquee box and/or the Quick Mask paint (nothing
  marked, or all of it: the main object found, `decompose_apply.prepare`). It
  first shows the object it found, as Select > Object does (below): paint adds,
  Alt+paint takes away, each stroke corrects it; Enter (the options bar's
  Split, or Decompose again) splits it as shown, Esc (Cancel) takes the
  proposal back and splits nothing. With "Show the object first" off in its
  options it splits at once. Like Content-Aware Fill it has its options one step away, in
  **Layer > Decompose Options…** (shadow, the objects' edges in a layer mask
  — the same choice as in Preferences —, and for the object mask, the
  edges and the background fill: automatic, classical, or an installed
  model; when SAM and ViTMatte are missing, a button downloads SlimSAM and
  ViTMatte in one step through the Models dialog). It runs as a job (status bar progress, Cancel, Esc); the result
  replaces the layer in one undo step (`editor.model.decompose_apply`) and
  the object becomes the active layer, ready for the Move tool or Free
  Transform. Running it again on the background layer peels off another
  object.
- **Select > Edit in Quick Mask Mode** (Q) paints the mask (`quick_mask`).
- **Select > Object** shows, before anything is split, the object Decompose
  finds in the marquee box: it becomes the Quick Mask (tinted, with marching ants along
  its edge, which a tint alone hides on a red object), ready to be
  corrected with the brush (paint adds, Alt+paint removes). After each stroke
  the object is corrected with it (GrabCut with the strokes,
  `decompose_steps.strokes`, as the step "Correct Object") and the tint shows
  the result; Layer > Decompose splits the object as shown (Decompose into
  Layers: each separate part of it a layer of its own, never segmented
  afresh); Select > Clear Painted Mask cancels.
- **File > New Layered Image from Prompt…** paints a picture from a prompt
  and opens it split into layers (`editor.model.layered_apply`), as a job.

The work itself is the editor/model operations (`decompose_apply`,
`layered_apply`: prepare, run on the worker, apply as one undo step), the
same ones the `decompose` and `layered` verbs run; this module only asks,
submits and reports. If the layer has changed by the time the result comes,
the result is not applied and the user is told.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from editor.jobs import Job, operation_job
from editor.model import Layer, commands as cmds, decompose_apply, layered_apply
from editor.model.decompose_apply import StepChoices
from editor.model.errors import DocumentError
from engine.box import Box
from engine.errors import InvalidInput
from engine.methods import registry

from .actions import ActionSpec, has_doc, has_mask, has_node
from .dialogs import ALPHA_AS_MASK_TEXT, ALPHA_AS_MASK_TIP
from .icons import icon
from .model_list import ADD_MODEL, all_choices, ask_to_add_model, fill_model_combo
from .models_dialog import ModelsDialog
from .quick_mask import QuickMaskMode

OBJECTS_FOUND = 3  # Decompose into Layers with nothing marked: at most this many objects
# The steps a proposed object is made and corrected by (taken back by Esc).
_PROPOSAL_STEPS = ("Select Object", "Correct Object", "Quick Mask", "Quick Mask Erase")

if TYPE_CHECKING:
    from .window_api import EditorWindow

# The classical choice of each step and how the options dialog names them.
STEP_CHOICES = {
    "mask": [("auto", "Automatic (SAM when installed, else GrabCut)"), ("grabcut", "GrabCut")],
    "matting": [("auto", "Automatic (ViTMatte when installed, else closed-form)"),
                ("closed_form", "Closed-form matting")],
    "background": [("auto", "Automatic (an inpainting model on a GPU, else content-aware fill)"),
                   ("patchmatch", "Content-aware fill (PatchMatch, CPU)"),
                   ("pyramid", "Pyramid fill (smooth, fast)"), ("telea", "Telea (thin holes)")],
}
STEP_LABELS = {"mask": "Object mask", "matting": "Edges", "background": "Background fill"}


class DecomposeOptions(StepChoices):
    """The step choices last made in Decompose Options, kept in the settings."""

    @classmethod
    def load(cls, settings) -> "DecomposeOptions":
        return cls(settings.value("decompose/shadow", True, bool),
                   settings.value("decompose/mask", "auto"),
                   settings.value("decompose/matting", "auto"),
                   settings.value("decompose/background", "auto"),
                   alpha_as_mask=settings.alpha_as_mask)

    def save(self, settings) -> None:
        for key, value in (("shadow", self.shadow), ("mask", self.mask),
                           ("matting", self.matting), ("background", self.background)):
            settings.set_value(f"decompose/{key}", value)
        settings.alpha_as_mask = self.alpha_as_mask  # one choice, shared with Preferences


class DecomposeCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self._proposal = None   # (document, layer, canvas uint8 mask) from Select > Object
        # Decompose's own proposal: (document, its "Select Object" step), so that Esc takes
        # back every step since (the proposal, its corrections, the strokes).
        self._proposal_step = None
        self._correcting: Optional[Job] = None  # the latest stroke's correction (`correct_object`)

    # -- actions and menus ------------------------------------------------------------------
    def action_specs(self) -> list[ActionSpec]:
        """This module's actions, their keys, menus and enabling rules."""
        return [
            ActionSpec("decompose", "&Decompose", self.decompose, "Alt+Ctrl+D",
                       tip="Split the layer into the marked object (with its shadow) and the "
                           "background behind it",
                       # Enabled on a group or an empty layer too: Decompose then says why.
                       enabled=has_node, menu="layer", after="trim", separator=True),
            ActionSpec("decompose_layers", "Decompose into &Layers", self.decompose_into_layers,
                       tip="Split every marked region (or, with none, the objects found) into "
                           "a layer of its own",
                       enabled=has_node, menu="layer", after="decompose"),
            ActionSpec("decompose_options", "Decompose &Options…", self.show_options,
                       menu="layer", after="decompose_layers"),
            ActionSpec("select_object", "&Object", self.select_object,
                       tip="Show the object Decompose finds in the box, as a Quick Mask to "
                           "correct with the brush",
                       enabled=has_node, menu="select", separator=True),
            ActionSpec("quick_mask", "Edit in &Quick Mask Mode", self.toggle_quick_mask, "Q",
                       enabled=has_doc, menu="select", after="select_object", checkable=True),
            ActionSpec("clear_mask", "&Clear Painted Mask", self.clear_mask, enabled=has_mask,
                       menu="select", after="quick_mask"),
            ActionSpec("new_layered", "New &Layered Image from Prompt…", self.new_layered,
                       "Alt+Ctrl+N", menu="file", after="open"),
        ]

    def connect(self) -> None:
        """Follows the window's signals (after the actions exist)."""
        self.window.tools.changed.connect(self._mode_changed)

    def _mode_changed(self, tool) -> None:
        self.window.actions["quick_mask"].setChecked(isinstance(tool, QuickMaskMode))

    # -- Quick Mask ------------------------------------------------------------------------------
    def toggle_quick_mask(self) -> None:
        tools = self.window.tools
        if isinstance(tools.mode, QuickMaskMode):
            tools.end_mode(commit=True)
            return
        if self.window.canvas is None:
            self.window.actions["quick_mask"].setChecked(False)
            return
        mode = QuickMaskMode(self.window, tools)
        mode.on_stroke = self.correct_object
        mode.outline = self._proposal is not None and self._proposal[0] is self.window.doc
        step = self._proposal_step
        if mode.outline and step is not None and step[0] is self.window.doc:
            mode.on_enter, mode.on_escape = self.decompose, self.cancel_proposal
        tools.start_mode(mode)
        self.window.canvas.setFocus()

    def clear_mask(self) -> None:
        doc = self.window.doc
        if doc is not None:
            doc.clear_selection_mask()

    # -- Decompose -----------------------------------------------------------------------------------
    def options(self) -> DecomposeOptions:
        return DecomposeOptions.load(self.window.settings)

    def show_options(self) -> None:
        dialog = DecomposeOptionsDialog(self.window, self.options())
        result = dialog.exec()
        if result == QDialog.DialogCode.Rejected:
            return
        dialog.chosen().save(self.window.settings)
        self.window.settings.set_value("decompose/show_first", dialog.show_first.isChecked())
        if dialog.run_now:
            self.decompose()

    def find_object(self, box: Optional[Box], mask: Optional[np.ndarray], on_found,
                    title: str, before=None) -> Optional[Job]:
        """The object Decompose would split in `box` and/or the painted `mask` (canvas) of
        the active layer, found on the worker (`decompose_apply.propose`) and handed to
        `on_found(doc, prepared, found)` on the GUI thread as a canvas-sized uint8 mask
        (255 = object) while the document is still open. Select > Object and the Object
        Selection tool both take this path. `before()` runs once the layer is found fit.
        Returns the job, or None when the layer cannot be split (the user is told, under
        `title`)."""
        w = self.window
        session, doc = w.session, w.doc
        if doc is None:
            return None
        try:
            prepared = decompose_apply.prepare(doc, doc.active, box, mask, self.options())
        except Exception as exc:
            w.report(exc, title)
            return None
        if before is not None:
            before()

        def show(found) -> None:
            if session in w.sessions and doc.contains(prepared.layer):
                on_found(doc, prepared, found)

        job = operation_job("Select Object", decompose_apply.propose, prepared, on_finished=show)
        return w.jobs.submit(job, canvas=session.canvas, failure_title=title)

    def select_object(self, splitting: bool = False) -> Optional[Job]:
        """Select > Object: the object Decompose would split, shown as the Quick Mask.
        `splitting`: Layer > Decompose's first step (Enter splits it, Esc drops it)."""
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        title = "Could not decompose" if splitting else "Could not select the object"
        box, mask = decompose_apply.document_mark(doc)

        def show(doc, prepared, found) -> None:
            step = doc.history.push(cmds.SetSelectionMask(found, "Select Object"))
            self._proposal_step = (doc, step) if splitting else None
            # A copy: the brush paints the Quick Mask in place, and the strokes are read as
            # what differs from the proposal.
            self._proposal = (doc, prepared.layer, found.copy())
            doc.selection_mask_changed.connect(self._mask_changed)
            if w.doc is doc and not isinstance(w.tools.mode, QuickMaskMode):
                self.toggle_quick_mask()
            found_text = (decompose_apply.found_note(box_covered=box is not None, shown=True)
                          if prepared.found else "The tint shows the object found. ")
            if splitting:
                w.status(found_text + "Paint to add, Alt+paint to take away; Enter splits it, "
                                      "Esc cancels.")
            else:
                w.status(found_text + "Paint to add to it, Alt+paint to take away; then "
                                      "Layer > Decompose.")

        return self.find_object(box, mask, show, title,
                                before=lambda: w.tools.end_mode(commit=True))

    def _shows_first(self) -> bool:
        """Whether Layer > Decompose first shows the object it found, to be corrected before
        the split (Decompose Options; on by default)."""
        return self.window.settings.value("decompose/show_first", True, bool)

    def _proposal_shown(self, doc) -> bool:
        """Whether a proposed object of the active layer is shown (its Quick Mask alive)."""
        proposal = self._proposal
        return proposal is not None and proposal[0] is doc and proposal[1] is doc.active \
            and doc.selection_mask is not None

    def cancel_proposal(self) -> None:
        """Esc on Decompose's proposed object: nothing is split, and the steps since the
        proposal (it, its corrections and strokes) are taken back, so the marks are as they
        were; once other steps came after them, the proposal's paint is only cleared."""
        w = self.window
        doc, step = w.doc, self._proposal_step
        w.tools.end_mode(commit=True)
        if self._correcting is not None:
            self._correcting.cancel()
        self._proposal_step = None
        if doc is None:
            return
        position = doc.history.position_of(step[1]) if step is not None and step[0] is doc \
            else None
        # (the steps the document is made of from the proposal's on: in a non-linear
        # history other rows may lie between them)
        applied = doc.history.applied()
        names = doc.history.names()
        since = [names[r - 1] for r in sorted(applied) if position and r >= position]
        if position is not None and position in applied and all(
                name in _PROPOSAL_STEPS for name in since):
            doc.history.goto(doc.history.parent(position))
        elif doc.selection_mask is not None:
            doc.clear_selection_mask()
        self._proposal = None
        w.status("Decompose cancelled: nothing was split.")

    def _mask_changed(self, _box) -> None:
        """A proposal lives as long as its Quick Mask: once that is gone (Ctrl+D, Clear
        Painted Mask, undone), later paint is a new mark, not a correction of it."""
        proposal = self._proposal
        if proposal is not None and proposal[0].selection_mask is None:
            proposal[0].selection_mask_changed.disconnect(self._mask_changed)
            self._proposal = None
            if isinstance(self.window.tools.mode, QuickMaskMode):
                self.window.tools.mode.outline = False  # plain Quick Mask paint from now on

    def correct_object(self) -> Optional[Job]:
        """After a stroke on the object Select > Object proposed: the object corrected by the
        strokes (GrabCut with them, or the segmenter's own correction) replaces the paint, as
        the step "Correct Object", so that the tint shows what Decompose will split. Returns
        the job, or None when no proposal is being corrected."""
        w = self.window
        session, doc, proposal = w.session, w.doc, self._proposal
        if doc is None or proposal is None or proposal[0] is not doc \
                or doc.selection_mask is None or not doc.contains(proposal[1]):
            return None
        painted = doc.selection_mask.copy()
        try:
            prepared = decompose_apply.prepare(doc, proposal[1], None,
                                               painted >= decompose_apply.MASK_THRESHOLD,
                                               self.options())
        except Exception:  # the layer is locked or emptied: Decompose will say so
            return None
        prepared = decompose_apply.with_proposal(prepared, proposal[2])

        def show(corrected) -> None:
            if session not in w.sessions or self._proposal is not proposal \
                    or doc.selection_mask is None or not np.array_equal(doc.selection_mask, painted):
                return  # painted again (its own correction follows), cleared or split meanwhile
            if not np.array_equal(corrected, painted):
                doc.history.push(cmds.SetSelectionMask(corrected, "Correct Object"))
            # Further strokes correct what is shown now; Decompose splits it as it is.
            self._proposal = (doc, proposal[1], doc.selection_mask.copy())

            w.status("The tint shows the corrected object: Layer > Decompose (Alt+Ctrl+D) splits "
                     "it; Ctrl+Z takes the correction back.")

        if self._correcting is not None:
            self._correcting.cancel()  # a newer stroke: the older correction is not shown
        # Quiet: a correction superseded by the next stroke is cancelled without a word.
        job = operation_job("Correct Object", decompose_apply.correct, prepared, on_finished=show,
                            quiet=True)
        self._correcting = job
        return w.jobs.submit(job, canvas=session.canvas,
                             failure_title="Could not correct the object")

    def decompose_into_layers(self) -> Optional[Job]:
        """Layer > Decompose into Layers: one object layer per marked region (separate parts of
        the painted mask, or of the proposed object as shown and corrected), or with nothing
        marked up to OBJECTS_FOUND objects found."""
        return self.decompose(several=True)

    def decompose(self, several: bool = False) -> Optional[Job]:
        """Starts decomposing the active layer around the marked object; returns the job."""
        w = self.window
        session, doc = w.session, w.doc
        if doc is None:
            return None
        if not several and self._shows_first() and not self._proposal_shown(doc):
            # First the object it would split, to be corrected; Enter (or Decompose again)
            # splits it.
            return self.select_object(splitting=True)
        box, mask = decompose_apply.document_mark(doc)
        # A proposed object shown (Select > Object, or Decompose's own) is split as the tint
        # shows it, corrections included; Decompose into Layers makes each separate part of
        # it a layer. Plain paint or a box is a hint that the segmenter follows.
        shown = self._proposal_shown(doc)
        note = ""  # how the objects were chosen, when the user did not mark them
        try:
            boxes: list[Box] = []
            if several and not shown and mask is not None:
                box, boxes = None, decompose_apply.regions_of_mask(mask)
            elif several and not shown and isinstance(doc.active, Layer) \
                    and not doc.active.is_empty() \
                    and (box is None or decompose_apply.covers_layer(box, doc.active)):
                note = decompose_apply.found_note(box_covered=box is not None, several=True)
                box, boxes = None, decompose_apply.found_objects(doc.active, OBJECTS_FOUND)
            prepared = decompose_apply.prepare(doc, doc.active, box, mask, self.options(),
                                               boxes=boxes)
            if shown:
                prepared = decompose_apply.with_proposal(prepared, self._proposal[2],
                                                         parts=several)
        except Exception as exc:
            w.report(exc, "Could not decompose")
            return None
        w.tools.end_mode(commit=True)

        def apply(result) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile
            background, objects = decompose_apply.apply_layers(doc, prepared, result)
            found = prepared.note or note
            if found:
                tail = ""
            elif prepared.proposal is not None or several:
                tail = " Ctrl+Z undoes."
            else:  # split at once, unseen: where the object can be seen and corrected first
                tail = " Not right? Ctrl+Z, then Select > Object."
            w.status(found + decompose_apply.split_status(prepared.layer.name,
                                                          [o.name for o in objects], result)
                     + tail)

        self._proposal = self._proposal_step = None
        job = operation_job("Decompose", decompose_apply.run, prepared, on_finished=apply)
        job.step_label = lambda step, total: _phase_label(prepared, step, total)
        # The engine's previews (the object found, then the filled background) are of the
        # layer's own pixels: drawn over the layer until the job ends.
        return w.jobs.submit(job, canvas=session.canvas, preview_box=prepared.layer.bounds(),
                             failure_title="Could not decompose")

    # -- New Layered Image from Prompt ------------------------------------------------------------
    def new_layered(self) -> Optional[Job]:
        dialog = NewLayeredDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.start_layered(dialog.request())

    def start_layered(self, request) -> Job:
        """Runs the New Layered Image operation for `request` as a job; the result opens in a
        new tab."""
        w = self.window

        def opened(result) -> None:
            w.add_session(layered_apply.apply(result, w.settings.alpha_as_mask), w.next_untitled())
            if result.decomposition is None:
                w.report(DocumentError(f"The picture is made but was not split: {result.note}"),
                         "New Layered Image")
            else:
                w.status(f"'{request.prompt.strip()}': the object and the background are layers; "
                         "Ctrl+Z gives back the picture in one layer.")

        job = operation_job("New Layered Image", layered_apply.run, request, on_finished=opened)
        return w.jobs.submit(job, failure_title="Could not make the layered image")


def _phase_label(prepared, step: int, total: int) -> str:
    """The status bar's name of a running split: "Decompose: finding the object"."""
    what = decompose_apply.phase(prepared, step, total)
    return f"Decompose: {what}" if what else "Decompose"


def _installed(step: str) -> list:
    """(id, label) of the catalogue models for a step that are on this computer."""
    from engine.methods.decompose_steps.choose import installed_models

    try:
        return [(m.id, m.name) for m in installed_models(step)]
    except Exception:  # an unreadable catalogue or cache: offer the classical choices
        return []


# The models Decompose Options offers to download when their step has none: small, CPU-fast.
RECOMMENDED = {"mask": "Zigeng/SlimSAM-uniform-50",
               "matting": "hustvl/vitmatte-small-composition-1k"}


def _recommended_missing() -> list:
    """The recommended catalogue models (ModelInfo) of the steps that have no model installed."""
    from engine.models.catalogue import load_catalogue

    try:
        catalogue = load_catalogue()
        return [catalogue.get(model_id) for step, model_id in RECOMMENDED.items()
                if not _installed(step) and catalogue.get(model_id) is not None]
    except Exception:  # an unreadable catalogue: no offer
        return []


def _download_text(models: list) -> str:
    names = {"sam": "SlimSAM", "vitmatte": "ViTMatte"}
    size = sum(m.download_gb for m in models)
    return (f"Download the decomposition models "
            f"({' + '.join(names.get(m.family, m.name) for m in models)}, "
            f"about {max(0.1, round(size, 1)):g} GB, run on the CPU)")


class DecomposeOptionsDialog(QDialog):
    """Shadow on/off and the component of each step (automatic, classical or a model)."""

    def __init__(self, parent: QWidget, options: DecomposeOptions):
        super().__init__(parent)
        self.setWindowTitle("Decompose Options")
        self.setObjectName("DecomposeOptionsDialog")
        self.run_now = False
        layout = QVBoxLayout(self)
        intro = QLabel("Decompose splits the active layer into the object you marked (box or "
                       "Quick Mask paint), with soft edges and its shadow, over the background "
                       "with the object removed.")
        intro.setWordWrap(True)
        intro.setObjectName("Dim")
        layout.addWidget(intro)
        form = QFormLayout()
        self.shadow = QCheckBox("Take the object's shadow onto its layer")
        self.shadow.setChecked(options.shadow)
        form.addRow("Shadow", self.shadow)
        self.combos: dict[str, QComboBox] = {}
        for step in ("mask", "matting", "background"):
            combo = QComboBox()
            combo.setObjectName(f"decompose_{step}")
            self.combos[step] = combo
            self._fill(step, getattr(options, step))
            form.addRow(STEP_LABELS[step], combo)
        self.show_first = QCheckBox("Show the object first, to correct it before the split")
        self.show_first.setObjectName("DecomposeShowFirst")
        self.show_first.setToolTip("Layer > Decompose tints the object it found; paint to add "
                                   "or take away, Enter splits, Esc cancels. Off: it splits "
                                   "at once (Select > Object still shows it first)")
        self.show_first.setChecked(parent.settings.value("decompose/show_first", True, bool))
        form.addRow("Preview", self.show_first)
        self.alpha_as_mask = QCheckBox(ALPHA_AS_MASK_TEXT)
        self.alpha_as_mask.setObjectName("DecomposeAlphaAsMask")
        self.alpha_as_mask.setToolTip(ALPHA_AS_MASK_TIP)
        self.alpha_as_mask.setChecked(options.alpha_as_mask)
        form.addRow("Layer mask", self.alpha_as_mask)
        layout.addLayout(form)
        note = QLabel("Models are listed once they are on this computer (Models dialog). An "
                      "inpainting model fills the background well but takes minutes on a CPU.")
        note.setWordWrap(True)
        note.setObjectName("Dim")
        layout.addWidget(note)
        # The recommended mask and edge models in one step, through the Models dialog's download.
        self.recommended = _recommended_missing()
        self.models_dialog = None
        self.download_button = QPushButton(_download_text(self.recommended))
        self.download_button.setObjectName("DownloadDecomposeModels")
        self.download_button.setToolTip("Downloaded only when you press this; the Models dialog "
                                        "shows the progress and can cancel")
        self.download_button.setAutoDefault(False)  # Enter keeps meaning OK
        self.download_button.clicked.connect(self.download_recommended)
        self.download_button.setVisible(bool(self.recommended))
        layout.addWidget(self.download_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        run = buttons.addButton("Decompose", QDialogButtonBox.ButtonRole.AcceptRole)
        run.clicked.connect(self._run)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill(self, step: str, value: str) -> None:
        combo = self.combos[step]
        combo.clear()
        for choice, label in STEP_CHOICES[step] + _installed(step):
            combo.addItem(label if choice in dict(STEP_CHOICES[step]) else f"Model: {label}",
                          choice)
        combo.setCurrentIndex(max(0, combo.findData(value)))

    def download_recommended(self) -> Optional[Job]:
        """Downloads the missing recommended models (SlimSAM, ViTMatte) as one Models job."""
        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self, self.parent().settings)
            self.models_dialog.models_changed.connect(self._models_changed)
        self.models_dialog.show()
        return self.models_dialog.download_models([m.id for m in self.recommended],
                                                  " + ".join(m.name for m in self.recommended))

    def _models_changed(self) -> None:
        for step in self.combos:
            self._fill(step, self.combos[step].currentData())
        self.recommended = _recommended_missing()
        self.download_button.setVisible(bool(self.recommended))

    def done(self, result: int) -> None:
        if self.models_dialog is not None:
            self.models_dialog.close()  # cancels a download still running
        super().done(result)

    def _run(self) -> None:
        self.run_now = True

    def chosen(self) -> DecomposeOptions:
        return DecomposeOptions(self.shadow.isChecked(),
                                *(self.combos[s].currentData() for s in ("mask", "matting",
                                                                          "background")),
                                alpha_as_mask=self.alpha_as_mask.isChecked())


class NewLayeredDialog(QDialog):
    """Prompt, model, size and seed for a layered image made from a prompt."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.main_window = window
        settings = window.settings
        self.setWindowTitle("New Layered Image from Prompt")
        self.setObjectName("NewLayeredDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.prompt = QLineEdit(settings.value("layered/prompt", ""))
        self.prompt.setPlaceholderText("e.g. a red teapot on a wooden table, soft daylight")
        self.prompt.setMinimumWidth(380)
        form.addRow("Prompt", self.prompt)
        self.negative = QLineEdit()
        self.negative.setPlaceholderText("what to avoid (optional)")
        form.addRow("Avoid", self.negative)
        row = QHBoxLayout()
        self.model = QComboBox()  # the same list as the Generate panel's
        self.model.setObjectName("layered_model")
        self.model.activated.connect(self._model_activated)
        self._fill_models(settings.value("layered/model", ""))
        models = QToolButton()
        models.setIcon(icon("sliders"))
        models.setToolTip("Models… (sizes, downloads, your own models)")
        models.clicked.connect(window.show_models)
        row.addWidget(self.model, 1)
        row.addWidget(models)
        form.addRow("Model", row)
        sizes = QHBoxLayout()
        self.width_box, self.height_box = QSpinBox(), QSpinBox()
        for box, key in ((self.width_box, "width"), (self.height_box, "height")):
            box.setRange(32, 4096)
            box.setSingleStep(64)
            box.setSuffix(" px")
            box.setValue(settings.value(f"layered/{key}", 512, int))
            sizes.addWidget(box)
        sizes.insertWidget(1, QLabel("×"))
        sizes.addStretch(1)
        form.addRow("Size", sizes)
        self.box = QLineEdit()
        self.box.setObjectName("layered_box")
        self.box.setPlaceholderText("X, Y, W, H in the picture (optional: found otherwise)")
        self.box.setToolTip("Where the object you want on its own layer will be in the "
                            "picture. The box does not steer the painting: keep the seed to "
                            "get the same picture again and mark another object.")
        form.addRow("Object box", self.box)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2 ** 31 - 1)
        self.seed.setValue(settings.value("layered/seed", 0, int))
        self.steps = QSpinBox()
        self.steps.setRange(0, 500)
        self.steps.setSpecialValueText("model default")
        self.steps.setValue(settings.value("layered/steps", 0, int))
        form.addRow("Seed", self.seed)
        form.addRow("Steps", self.steps)
        layout.addLayout(form)
        note = QLabel("The picture is painted by an installed inpainting model used as "
                      "text-to-image; its main object is then split off with its shadow. To "
                      "split off another object: Ctrl+Z, mark it, Layer > Decompose.")
        note.setWordWrap(True)
        note.setObjectName("Dim")
        layout.addWidget(note)
        if not any(c.installed for c in self.choices):
            missing = QLabel("No model is on this computer yet: download one in the Models "
                             "dialog, or choose a diffusers folder.")
            missing.setWordWrap(True)
            layout.addWidget(missing)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Generate")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.hide()
        layout.addWidget(self.error)

    def _fill_models(self, remembered: str) -> None:
        """The models that paint a picture from a prompt (inpainting models, your own
        folders), as the Generate panel lists them."""
        PAINTERS = registry.get("layered").families  # noqa: N806  (the table of methods says)

        try:
            self.choices = [c for c in all_choices(self.main_window.settings)
                            if c.family in PAINTERS or (c.local and not c.installed)]
        except Exception:  # an unreadable catalogue: the user's own folders still work
            self.choices = []
        fill_model_combo(self.model, self.choices, remembered)

    def _model_activated(self, index: int) -> None:
        if self.model.itemData(index) != ADD_MODEL:
            return
        choice = ask_to_add_model(self, self.main_window.settings, self.main_window.report)
        self._fill_models(choice.ref if choice is not None else
                          self.main_window.settings.value("layered/model", ""))
        self.main_window.generate_panel.refresh_models()

    def model_ref(self) -> str:
        data = self.model.currentData()
        return "" if data in (None, ADD_MODEL) else data

    def _accept(self) -> None:
        if not self.prompt.text().strip():
            self.error.setText("Type what the picture should show.")
            self.error.show()
            return
        if not self.model_ref():
            self.error.setText("Choose a model.")
            self.error.show()
            return
        try:
            self.object_box()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        s = self.main_window.settings
        for key, value in (("prompt", self.prompt.text().strip()), ("model", self.model_ref()),
                           ("width", self.width_box.value()), ("height", self.height_box.value()),
                           ("seed", self.seed.value()), ("steps", self.steps.value())):
            s.set_value(f"layered/{key}", value)
        self.accept()

    def object_box(self) -> Optional[Box]:
        """The box typed in, checked against the picture's size; None when left empty."""
        text = self.box.text().strip()
        if not text:
            return None
        try:
            box = Box.parse(text)
        except InvalidInput:
            raise ValueError(f"'{text}' is not a box: type X, Y, W, H, e.g. 100, 80, 200, 240.") from None
        width, height = self.width_box.value(), self.height_box.value()
        if box.is_empty() or box.clip(width, height) != box:
            raise ValueError(f"The object box must lie inside the {width} × {height} picture.")
        return box

    def request(self):
        from engine.methods.layered import LayeredRequest

        options = DecomposeOptions.load(self.main_window.settings)
        return LayeredRequest(self.prompt.text().strip(), self.negative.text().strip(),
                              box=self.object_box(),
                              size=(self.width_box.value(), self.height_box.value()),
                              seed=self.seed.value(), steps=self.steps.value() or None,
                              model=self.model_ref(), shadow=options.shadow,
                              mask_model=options.mask, matting_model=options.matting,
                              background_model=options.background)
