"""The window's Layer > Edit with Text… (LayerDiffusion): subject and background by text.

The dialog asks for the subject text ("a dog jumping") and the background
text ("in a snowy forest"; one combined text in the subject field alone is
split), alpha, the seed, the three phases' step counts, LoRA or full
fine-tuning, the model and what to edit (what the picture shows, or the
active layer). The subject is what the Quick Mask paint covers, else what
the segmenter finds in the marquee box. The edit runs as one job: the
status bar names its phase (optimising the text embeddings, fine-tuning the
model, sampling) with one progress bar and Cancel (Esc); the sampling
phase previews the picture over the part being edited. The result is applied
as a new layer above the active one, in one undo step
(`editor.model.text_edit_apply`) - split into subject and background layers
when the dialog's checkbox asks; nothing changes if the job fails or is
cancelled.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QLabel, QLineEdit, QSpinBox, QVBoxLayout)

from editor.jobs import Job, operation_job
from editor.model import DocumentError, Layer, text_edit_apply
from editor.model.decompose_apply import document_mark
from editor.model.text_edit_apply import TextEditSpec

from .actions import ActionSpec

if TYPE_CHECKING:
    from .window_api import EditorWindow

JOB_NAME = "Edit with Text"


class TextEditCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("edit_with_text", "Edit with &Text…", self.edit_with_text,
                       tip="Change the marked subject and the background by text, keeping the "
                           "subject's identity and the scene's look (a new layer)",
                       menu="layer", after="decompose_options"),
        ]

    def edit_with_text(self) -> Optional[Job]:
        """Opens the dialog; on Edit, starts the job (returned)."""
        if self.window.doc is None:
            self.window.status("Open a picture first: Edit with Text changes a picture.")
            return None
        dialog = TextEditDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        dialog.remember()
        return self.start(dialog.spec(), use_layer=dialog.use_layer())

    def start(self, spec: "TextEditSpec", *, use_layer: bool = False) -> Optional[Job]:
        """Prepares the edit of the document (or its active layer) around the marked subject and
        runs it as a job whose result becomes a new layer."""
        from engine.methods.edit import PHASES, phase_at, phase_weights

        w = self.window
        session, doc = w.session, w.doc
        if doc is None:
            return None
        try:
            layer = None
            if use_layer:
                layer = doc.active
                if not isinstance(layer, Layer):
                    raise DocumentError("Select the pixel layer to edit, or edit what the "
                                        "picture shows.")
            box, mask = document_mark(doc)
            prepared = text_edit_apply.prepare(doc, spec, box=box, mask=mask, layer=layer)
        except Exception as exc:
            w.report(exc, "Could not edit with text")
            return None
        w.tools.end_mode(commit=True)
        weights = phase_weights(prepared.request)

        def apply(result) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile
            added = text_edit_apply.apply(doc, prepared, result)
            times = ", ".join(f"{k[:-2]} {v:.0f} s" for k, v in result.timings.items())
            w.status(f"'{added.name}': '{result.recipe['subject']}' / "
                     f"'{result.recipe['background']}' ({times}). Ctrl+Z undoes.")

        job = operation_job(JOB_NAME, text_edit_apply.run, prepared, on_finished=apply)
        job.step_label = lambda step, total: \
            f"{JOB_NAME}: {PHASES[phase_at(weights, min(step, total - 1))]}"
        return w.jobs.submit(job, canvas=session.canvas, preview_box=prepared.box,
                             failure_title="Could not edit with text")


class TextEditDialog(QDialog):
    """The edit's fields; remembered in the settings under edit/."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setWindowTitle("Edit with Text")
        self.settings = window.settings
        s = self.settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.subject = QLineEdit(s.value("edit/subject", ""))
        self.subject.setObjectName("EditSubject")
        self.subject.setPlaceholderText("the subject as it should be, e.g. a dog jumping")
        self.background = QLineEdit(s.value("edit/background", ""))
        self.background.setObjectName("EditBackground")
        self.background.setPlaceholderText("the background, e.g. in a snowy forest")
        form.addRow("Subject:", self.subject)
        form.addRow("Background:", self.background)
        self.alpha = _double(0.0, 1.0, float(s.value("edit/alpha", 0.7)), 0.05)
        self.alpha.setToolTip("Weight of the subject text against the background text (eq. 3)")
        form.addRow("Alpha:", self.alpha)
        self.seed = _spin(0, 2 ** 31 - 1, int(s.value("edit/seed", 0)))
        form.addRow("Seed:", self.seed)
        self.embedding_steps = _spin(0, 5000, int(s.value("edit/embedding_steps", 500)))
        self.finetune_steps = _spin(0, 5000, int(s.value("edit/finetune_steps", 250)))
        self.guidance_steps = _spin(1, 500, int(s.value("edit/guidance_steps", 50)))
        form.addRow("Text embedding steps:", self.embedding_steps)
        form.addRow("Fine-tuning steps:", self.finetune_steps)
        form.addRow("Sampling steps:", self.guidance_steps)
        self.finetune = QComboBox()
        self.finetune.addItem("LoRA (smaller, faster)", "lora")
        self.finetune.addItem("Full (all weights; more GPU memory)", "full")
        self.finetune.setCurrentIndex(max(0, self.finetune.findData(
            s.value("edit/finetune", "lora"))))
        form.addRow("Fine-tuning:", self.finetune)
        self.model = QComboBox()
        self.model.setObjectName("EditModel")
        self.model.setEditable(True)  # a folder of one's own can be typed in
        self.model.setToolTip("A Stable Diffusion model: catalogue id or diffusers folder")
        for ref, name in _installed_models():
            self.model.addItem(name, ref)
        self.model.lineEdit().setPlaceholderText("the catalogue's default (SD 1.4) or a folder")
        remembered = s.value("edit/model", "")
        if remembered:
            index = self.model.findData(remembered)
            if index < 0:
                self.model.setEditText(remembered)
            else:
                self.model.setCurrentIndex(index)
        form.addRow("Model:", self.model)
        self.resolution = _spin(0, 2048, int(s.value("edit/resolution", 0)))
        self.resolution.setSpecialValueText("the model's")
        self.resolution.setSingleStep(64)
        form.addRow("Working size:", self.resolution)
        self.source = QComboBox()
        self.source.addItem("What the picture shows", "document")
        self.source.addItem("The active layer", "layer")
        self.source.setCurrentIndex(max(0, self.source.findData(s.value("edit/source",
                                                                        "document"))))
        form.addRow("Edit:", self.source)
        self.split = QCheckBox("Split into subject and background layers")
        self.split.setObjectName("EditSplit")
        self.split.setToolTip("After the edit, decompose the new picture around the subject "
                              "(the same undo step)")
        self.split.setChecked(s.value("edit/split", False, bool))
        form.addRow("", self.split)

        box, painted = document_mark(window.doc) if window.doc is not None else (None, None)
        mark = ("the Quick Mask paint" if painted is not None else
                "what is found in the marquee box" if box is not None
                else "nothing yet: paint over it in Quick Mask (Q) or draw a box (M) first")
        self.mark = QLabel(f"Subject: {mark}.")
        self.mark.setWordWrap(True)
        layout.addWidget(self.mark)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Edit")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def model_ref(self) -> Optional[str]:
        text = self.model.currentText().strip()
        index = self.model.findText(text)
        if index >= 0 and self.model.itemData(index):
            return self.model.itemData(index)
        return text or None

    def use_layer(self) -> bool:
        return self.source.currentData() == "layer"

    def spec(self) -> "TextEditSpec":
        return TextEditSpec(
            self.subject.text(), self.background.text(), self.alpha.value(),
            self.embedding_steps.value(), self.finetune_steps.value(),
            self.guidance_steps.value(), self.finetune.currentData(), self.seed.value(),
            model=self.model_ref(), resolution=self.resolution.value() or None,
            device=self.settings.engine_device, dtype=self.settings.engine_dtype,
            split=self.split.isChecked())

    def remember(self) -> None:
        spec = self.spec()
        for key, value in (("subject", spec.subject), ("background", spec.background),
                           ("alpha", spec.alpha), ("seed", spec.seed),
                           ("embedding_steps", spec.embedding_steps),
                           ("finetune_steps", spec.finetune_steps),
                           ("guidance_steps", spec.guidance_steps), ("finetune", spec.finetune),
                           ("model", spec.model or ""), ("resolution", spec.resolution or 0),
                           ("source", self.source.currentData()), ("split", spec.split)):
            self.settings.set_value(f"edit/{key}", value)


def _installed_models() -> list[tuple[str, str]]:
    """(ref, name) of the catalogue's text-edit models on this computer."""
    from engine.models.catalogue import load_catalogue

    try:
        return [(m.id, m.name) for m in load_catalogue().installed_for("edit")]
    except Exception:  # an unreadable catalogue: the user can still type a folder
        return []


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


def _double(low: float, high: float, value: float, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(2)
    box.setValue(value)
    return box
