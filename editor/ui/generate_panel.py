"""The Generate panel: a prompt and a box in, candidate layers out, one applied as a layer.

The user picks a method (inpaint + extract with a diffusers inpainting
model, or BFS with a BFS model), a model (the catalogue's, marked when not
downloaded, or their own folder or file), types a prompt and presses
Generate: the marquee selection is the box the object goes in, and the new
layer will sit just above the active layer. The work runs on the window's
worker (`window.jobs`): progress and Cancel are in the status bar, step
previews appear in the box. Finished candidates wait on the canvas as an
overlay; the user flips through them (◀ ▶ or the thumbnails) and applies one
(one undo step: a new layer with its recipe) or discards them. A job never
changes the document: only Apply does.

Nothing here imports torch; the engine modules load when the panel is first
shown or a job runs.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame,
                               QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QScrollArea, QSpinBox, QToolButton, QVBoxLayout,
                               QWidget)

from editor.jobs import Job, generate_job, warm_up_job
from editor.model.generate_apply import GenerateSpec, Generation
from editor.model.generate_state import MAX_SEED, GenerationState
from engine.errors import InvalidInput
from engine.methods import registry
from engine.methods.registry import MAX_CANDIDATES

from . import dialogs
from .icons import icon
from .model_list import ADD_MODEL, all_choices, ask_to_add_model, fill_model_combo
from .wheel_guard import guard_wheel

if TYPE_CHECKING:
    from .window_api import EditorWindow
    from .model_list import ModelChoice
    from .session import DocumentSession

CANDIDATE_OVERLAY = "generate-candidate"


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    return label


def _field_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("Dim")
    return label


class GeneratePanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.settings = window.settings
        self.session: Optional["DocumentSession"] = None
        self.choices: Optional[list["ModelChoice"]] = None  # looked up when first shown
        self.job: Optional[Job] = None
        self._filling = False
        self._binding = False  # the fields are being set from a document's state

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("DockBody")
        self.body = body
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)

        layout.addWidget(_section("METHOD"))
        self.method = QComboBox()
        self.method.setObjectName("GenerateMethod")
        for method in registry.layer_methods():
            self.method.addItem(method.label, method.id)
            self.method.setItemData(self.method.count() - 1, method.description,
                                    Qt.ItemDataRole.ToolTipRole)
        self.method.currentIndexChanged.connect(self._method_changed)
        layout.addWidget(self.method)

        layout.addSpacing(4)
        layout.addWidget(_section("MODEL"))
        row = QHBoxLayout()
        row.setSpacing(4)
        self.model = QComboBox()
        self.model.setObjectName("GenerateModel")
        self.model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model.setMinimumContentsLength(12)
        self.model.activated.connect(self._model_activated)
        self.model.currentIndexChanged.connect(self._model_changed)
        row.addWidget(self.model, 1)
        self.models_button = QToolButton()
        self.models_button.setIcon(icon("sliders"))
        self.models_button.setToolTip("Models… (sizes, downloads, your own models)")
        self.models_button.clicked.connect(lambda: self.main_window.show_models())
        row.addWidget(self.models_button)
        layout.addLayout(row)
        self.model_note = QLabel()
        self.model_note.setObjectName("Note")
        self.model_note.setWordWrap(True)
        self.model_note.hide()
        layout.addWidget(self.model_note)

        layout.addSpacing(4)
        layout.addWidget(_section("PROMPT"))
        self.prompt = QPlainTextEdit()
        self.prompt.setObjectName("GeneratePrompt")
        self.prompt.setPlaceholderText("a red vintage car parked by the kerb")
        self.prompt.setFixedHeight(64)
        self.prompt.setTabChangesFocus(True)
        layout.addWidget(self.prompt)
        self.negative_title = _section("NEGATIVE PROMPT")
        layout.addWidget(self.negative_title)
        self.negative = QPlainTextEdit()
        self.negative.setObjectName("GenerateNegative")
        self.negative.setPlaceholderText("blurry, low quality")
        self.negative.setFixedHeight(44)
        self.negative.setToolTip("What the model should avoid")
        self.negative.setTabChangesFocus(True)
        layout.addWidget(self.negative)

        layout.addSpacing(4)
        form = QFormLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        seed_row = QHBoxLayout()
        seed_row.setSpacing(4)
        self.seed = QSpinBox()
        self.seed.setObjectName("GenerateSeed")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setMinimumWidth(70)  # ten digits fit; the panel stays narrow
        self.seed.setValue(self.settings.value("generate/seed", 0, int))
        self.seed.setToolTip("Candidate n uses seed + n; the same seed gives the same result")
        seed_row.addWidget(self.seed, 1)
        self.dice = QToolButton()
        self.dice.setObjectName("SeedDice")
        self.dice.setText("⚄")
        self.dice.setFixedWidth(26)
        self.dice.setToolTip("A random seed")
        self.dice.clicked.connect(self.roll_seed)
        seed_row.addWidget(self.dice)
        self.random_seed = QCheckBox("Random")
        self.random_seed.setObjectName("RandomSeed")
        self.random_seed.setToolTip("A new random seed each time you generate")
        self.random_seed.setChecked(self.settings.value("generate/random_seed", False, bool))
        self.random_seed.toggled.connect(self._random_toggled)
        seed_row.addSpacing(4)
        seed_row.addWidget(self.random_seed)
        form.addRow(_field_label("Seed"), seed_row)
        self.steps = QSpinBox()
        self.steps.setObjectName("GenerateSteps")
        self.steps.setRange(0, 200)
        self.steps.setValue(self.settings.value("generate/steps", 0, int))
        self.steps.setToolTip("Denoising steps: more is slower and usually finer")
        form.addRow(_field_label("Steps"), self.steps)
        self.guidance = QDoubleSpinBox()
        self.guidance.setObjectName("GenerateGuidance")
        self.guidance.setRange(-0.5, 100.0)
        self.guidance.setSingleStep(0.5)
        self.guidance.setDecimals(1)
        self.guidance.setValue(self.settings.value("generate/guidance", -0.5, float))
        self.guidance.setToolTip("How closely to follow the prompt")
        form.addRow(_field_label("Guidance"), self.guidance)
        self.resolution = QSpinBox()
        self.resolution.setObjectName("GenerateResolution")
        self.resolution.setRange(0, 2048)
        self.resolution.setSingleStep(64)
        self.resolution.setSuffix(" px")
        self.resolution.setValue(self.settings.value("generate/resolution", 0, int))
        self.resolution.setToolTip("The size the model works at (the side of a square of the same "
                                   "area); smaller is faster")
        self.resolution_label = _field_label("Size")
        form.addRow(self.resolution_label, self.resolution)
        self.count = QSpinBox()
        self.count.setObjectName("GenerateCandidates")
        self.count.setRange(1, MAX_CANDIDATES)
        self.count.setValue(self.settings.value("generate/candidates", 1, int))
        self.count.setToolTip("How many versions to make (seeds seed, seed + 1, …)")
        form.addRow(_field_label("Candidates"), self.count)
        layout.addLayout(form)

        layout.addSpacing(6)
        self.area = QLabel()
        self.area.setObjectName("Dim")
        self.area.setWordWrap(True)
        layout.addWidget(self.area)
        self.message = QLabel()
        self.message.setObjectName("Warning")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("Primary")
        self.generate_button.setIcon(icon("sparkles"))
        self.generate_button.setToolTip("Generate into the selection box (Ctrl+Enter)")
        self.generate_button.clicked.connect(self._generate_clicked)
        # The button stays in sight below the scrolling fields, however short the dock.
        footer = self.footer = QWidget()
        footer.setObjectName("DockBody")
        footer_layout = QVBoxLayout(footer)
        footer_layout.setContentsMargins(10, 6, 10, 8)
        footer_layout.addWidget(self.generate_button)
        outer.addWidget(footer)
        for widget in (self.prompt, self.negative):
            for keys in ("Ctrl+Return", "Ctrl+Enter"):
                shortcut = QShortcut(QKeySequence(keys), widget)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(self._generate_clicked)

        self.results = self._build_results()
        layout.addWidget(self.results)
        layout.addStretch(1)

        # Without a document the fields edit a scratch state; a document's own state starts
        # as a copy of what the fields say when it is first shown.
        self._scratch = GenerationState(None, self._fields_spec(), self.random_seed.isChecked())
        self.prompt.textChanged.connect(self._prompt_edited)
        self.negative.textChanged.connect(self._negative_edited)
        for box, key in ((self.seed, "seed"), (self.steps, "steps"), (self.guidance, "guidance"),
                         (self.resolution, "resolution"), (self.count, "candidates")):
            box.valueChanged.connect(lambda value, key=key: self._number_edited(key, value))

        self._restore_method()
        self._fill_models()  # "Looking for models…" until the panel is first seen
        self._update_field_states()
        self.set_session(None)
        self._wheel_guard = guard_wheel(body)
        body.installEventFilter(self)  # its first paint looks the models up

    def _build_results(self) -> QWidget:
        box = QFrame()
        box.setObjectName("Results")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(_section("CANDIDATES"))
        self.strip = QListWidget()
        self.strip.setObjectName("CandidateStrip")
        self.strip.setViewMode(QListWidget.ViewMode.IconMode)
        self.strip.setFlow(QListWidget.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setMovement(QListWidget.Movement.Static)
        self.strip.setIconSize(QSize(64, 64))
        self.strip.setSpacing(3)
        self.strip.setFixedHeight(86)
        self.strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip.currentRowChanged.connect(self._strip_row)
        layout.addWidget(self.strip)
        nav = QHBoxLayout()
        self.previous = QToolButton()
        self.previous.setObjectName("CandidatePrevious")
        self.previous.setText("◀")
        self.previous.setToolTip("Previous candidate")
        self.previous.clicked.connect(lambda: self.step_candidate(-1))
        self.next = QToolButton()
        self.next.setObjectName("CandidateNext")
        self.next.setText("▶")
        self.next.setToolTip("Next candidate")
        self.next.clicked.connect(lambda: self.step_candidate(1))
        self.candidate_label = QLabel()
        self.candidate_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.previous)
        nav.addWidget(self.candidate_label, 1)
        nav.addWidget(self.next)
        layout.addLayout(nav)
        self.show_composite = QCheckBox("Show the composite branch's picture")
        self.show_composite.setObjectName("ShowComposite")
        self.show_composite.setToolTip("BFS also paints the whole picture with the object; "
                                       "the layer is what Apply adds")
        self.show_composite.toggled.connect(self._composite_toggled)
        layout.addWidget(self.show_composite)
        buttons = QHBoxLayout()
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("Primary")
        self.apply_button.setIcon(icon("check"))
        self.apply_button.setToolTip("Add this candidate as a new layer")
        self.apply_button.clicked.connect(self.apply)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Drop the candidates")
        self.discard_button.clicked.connect(self.discard)
        buttons.addWidget(self.apply_button, 1)
        buttons.addWidget(self.discard_button, 1)
        layout.addLayout(buttons)
        box.hide()
        return box

    def comfortable_height(self) -> int:
        """The height that shows every field (and the candidates, if any) without scrolling."""
        return self.body.sizeHint().height() + self.footer.sizeHint().height()

    # -- sessions ---------------------------------------------------------------------------------
    @property
    def state(self) -> GenerationState:
        """The generation state the fields show: the document in front's, else a scratch one."""
        return self.session.generation if self.session is not None else self._scratch

    def set_session(self, session) -> None:
        if self.session is not None:
            self.session.doc.selection_changed.disconnect(self._show_area)
        shown = self.state
        self.session = session
        if session is not None:
            if session.generation is None:
                session.generation = GenerationState(session.doc, replace(shown.spec),
                                                     shown.random_seed)
            session.doc.selection_changed.connect(self._show_area)
        self._bind_fields()
        self._show_area(session.doc.selection if session is not None else None)
        self._show_results()
        self._update_buttons()

    def forget(self, session) -> None:
        """The document is closing: its candidates go too."""
        if session.generation is not None:
            session.generation.discard()

    def _bind_fields(self) -> None:
        """Shows the state's inputs in the fields."""
        state = self.state
        spec = state.spec
        self._binding = True
        try:
            if self.prompt.toPlainText() != spec.prompt:
                self.prompt.setPlainText(spec.prompt)
            if self.negative.toPlainText() != spec.negative_prompt:
                self.negative.setPlainText(spec.negative_prompt)
            self.seed.setValue(spec.seed)
            self.steps.setValue(spec.steps or 0)
            self.guidance.setValue(-0.5 if spec.guidance is None else spec.guidance)
            self.resolution.setValue(spec.resolution or 0)
            self.count.setValue(spec.candidates)
            self.random_seed.setChecked(state.random_seed)
            model = spec.model
            index = self.method.findData(spec.method)
            if index >= 0 and index != self.method.currentIndex():
                self.method.setCurrentIndex(index)  # refills the models
            index = self.model.findData(model) if model else -1
            if index >= 0:
                self.model.setCurrentIndex(index)
        finally:
            self._binding = False
        self._sync_choice()

    def _show_area(self, box) -> None:
        self.message.hide()
        if self.session is None:
            self.area.setText("Open or create a document first.")
        elif box is None:
            self.area.setText("Target area: draw a box with the Rectangular Marquee (M).")
        else:
            self.area.setText(f"Target area: {box.w} × {box.h} px at {box.x}, {box.y}. "
                              "The new layer goes above the active layer.")

    # -- models -----------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        # Tabbed docks are shown for a moment while the window lays itself out, but only a
        # panel on screen paints: its first paint looks the models up (once, just after).
        if obj is self.body and event.type() == QEvent.Type.Paint and self.choices is None:
            QTimer.singleShot(0, self._first_look)
        return False

    def _first_look(self) -> None:
        if self.choices is None and self.isVisible():
            self.refresh_models()

    @property
    def method_key(self) -> str:
        return self.method.currentData()

    def refresh_models(self) -> None:
        """Looks the models up again (catalogue + the user's own) and refills the list."""
        try:
            self.choices = all_choices(self.settings)
        except Exception as exc:  # an unreadable catalogue: say so, keep the panel usable
            self.choices = []
            self.main_window.report(exc, "Could not read the model catalogue")
        if not self.settings.value("generate/method", ""):
            self._choose_first_method()
        self._fill_models()

    def _choose_first_method(self) -> None:
        """At first start: the first method with a model on this computer (on a fresh computer,
        BFS with the built-in model), so Generate works without a download."""
        for method in registry.layer_methods():
            if any(c.installed and c.method == method.id for c in self.choices):
                self.method.setCurrentIndex(self.method.findData(method.id))
                return

    def _restore_method(self) -> None:
        index = self.method.findData(self.settings.value("generate/method", "add_foreground"))
        self.method.setCurrentIndex(max(0, index))

    def _method_changed(self) -> None:
        if not self._binding:
            self.settings.set_value("generate/method", self.method_key)
        self._fill_models()
        self._update_field_states()

    def _fill_models(self) -> None:
        self._filling = True
        self.model.clear()
        if self.choices is None:
            self.model.addItem("Looking for models…")
            self.model.setEnabled(False)
            self._filling = False
            return
        self.model.setEnabled(True)
        method = self.method_key
        shown = [c for c in self.choices if c.method == method or (c.local and not c.installed)]
        remembered = self.settings.value(f"generate/model/{method}", "")
        fill_model_combo(self.model, shown, remembered if self.model_known(remembered) else "")
        self._filling = False
        self._model_changed()

    def model_known(self, ref: str) -> bool:
        return any(c.ref == ref for c in self.choices or [])

    def current_choice(self) -> Optional["ModelChoice"]:
        ref = self.model.currentData()
        if not self.choices or ref in (None, ADD_MODEL):
            return None
        return next((c for c in self.choices if c.ref == ref), None)

    def _model_activated(self, index: int) -> None:
        if self.model.itemData(index) == ADD_MODEL:
            self.add_model()

    def _model_changed(self) -> None:
        if self._filling:
            return
        choice = self.current_choice()
        if choice is not None and not self._binding:
            self.settings.set_value(f"generate/model/{self.method_key}", choice.ref)
        self._sync_choice()
        self._update_field_states()

    def _sync_choice(self) -> None:
        """The method and model shown become the state's (the combo boxes are the truth)."""
        if self._binding or not hasattr(self, "_scratch"):
            return
        choice = self.current_choice()
        self.state.spec.method = self.method_key
        if choice is not None or self.choices is not None:
            self.state.spec.model = choice.ref if choice is not None else None

    def add_model(self) -> None:
        """Asks for a folder or a .safetensors file and adds it to the list (and the settings)."""
        choice = ask_to_add_model(self, self.settings, self.main_window.report)
        if choice is None:
            self._fill_models()  # back to the model chosen before
            return
        self.settings.set_value(f"generate/model/{choice.method}", choice.ref)
        self.refresh_models()
        if choice.method != self.method_key:
            self.method.setCurrentIndex(self.method.findData(choice.method))
        self.main_window.status(f"Added the model {choice.name}.")

    # -- fields -------------------------------------------------------------------------------------
    def roll_seed(self) -> None:
        self.seed.setValue(self.state.roll_seed())

    def _random_toggled(self, on: bool) -> None:
        if self._binding or not hasattr(self, "_scratch"):
            return
        self.state.random_seed = on
        self.settings.set_value("generate/random_seed", on)

    def _prompt_edited(self) -> None:
        if not self._binding:
            self.state.spec.prompt = self.prompt.toPlainText()

    def _negative_edited(self) -> None:
        if not self._binding:
            self.state.spec.negative_prompt = self.negative.toPlainText()

    def _number_edited(self, key: str, value) -> None:
        """A number field changed: into the state, and remembered for the next session."""
        if self._binding:
            return
        spec = self.state.spec
        if key == "seed":
            spec.seed = int(value)
        elif key == "steps":
            spec.steps = int(value) or None
        elif key == "guidance":
            spec.guidance = float(value) if value >= 0 else None
        elif key == "resolution":
            spec.resolution = int(value) or None
        else:
            spec.candidates = int(value)
        self.settings.set_value(f"generate/{key}", value)

    def _fields_spec(self) -> GenerateSpec:
        """What the fields say now (the starting state)."""
        choice = self.current_choice()
        return GenerateSpec(
            method=self.method_key, model=choice.ref if choice is not None else None,
            prompt=self.prompt.toPlainText(), negative_prompt=self.negative.toPlainText(),
            seed=self.seed.value(), steps=self.steps.value() or None,
            guidance=self.guidance.value() if self.guidance.value() >= 0 else None,
            candidates=self.count.value(), resolution=self.resolution.value() or None)

    def _update_field_states(self) -> None:
        choice = self.current_choice()
        method = registry.get(self.method_key)
        info = choice.info if choice is not None else None
        steps = getattr(info, "default_steps", None)
        guidance = getattr(info, "default_guidance", None)
        self.steps.setSpecialValueText(f"Default ({steps})" if steps else "Model default")
        self.guidance.setSpecialValueText(f"Default ({guidance:g})" if guidance is not None
                                          else "Model default")
        size = getattr(info, "resolution", None)
        self.resolution.setSpecialValueText(f"Default ({size} px)" if size else "Model default")
        # Fields the method (and model family) does not use go away or grey out.
        negative = method.applies("negative_prompt", choice.family if choice is not None else None)
        self.negative.setEnabled(negative)
        self.negative.setVisible(negative)
        self.negative_title.setVisible(negative)
        self.resolution.setEnabled(method.applies("resolution"))
        self.resolution_label.setEnabled(method.applies("resolution"))
        if choice is not None and not choice.installed:
            note = choice.problem if choice.local or choice.built_in else (
                f"Not on this computer ({getattr(info, 'download_gb', 0):g} GB). Download it in "
                "Models…, or add a model of your own.")
            self.model_note.setText(note)
            self.model_note.show()
        elif choice is None and self.choices is not None and not method.catalogue_default:
            self.model_note.setText(f"{method.missing_model} The README says how to train one.")
            self.model_note.show()
        else:
            self.model_note.hide()

    def _overrides(self) -> dict:
        """What the request takes from outside the state: the engine preferences, and no
        value for the fields the method and model do not use."""
        out = dict(device=self.settings.engine_device, dtype=self.settings.engine_dtype,
                   cpu_offload=self.settings.cpu_offload)
        if not self.negative.isEnabled():
            out["negative_prompt"] = ""
        if not self.resolution.isEnabled():
            out["resolution"] = None
        return out

    def spec(self) -> GenerateSpec:
        """The request the state and the preferences make now (the seed as shown)."""
        self._sync_choice()
        spec = self.state.spec
        return replace(spec, **{"prompt": spec.prompt.strip(),
                                "negative_prompt": spec.negative_prompt.strip(),
                                **self._overrides()})

    # -- generating ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def _generate_clicked(self) -> None:
        if self.running:
            if self.main_window.jobs.current is self.job:
                self.main_window.jobs.cancel()  # also says "cancelling" in the status bar
            else:
                self.job.cancel()  # still queued: skipped when its turn comes
            return
        self.generate()

    def generate(self) -> Optional[Job]:
        """Starts a generation into the selection box of the document in front."""
        session = self.session
        if session is None or self.running:
            return None
        if self.choices is None:
            self.refresh_models()
        state = session.generation
        if state.pending is not None:
            if not dialogs.ask_replace_candidates(self, state.pending.count):
                return None
            self.discard()
        method = registry.get(self.method_key)
        if self.current_choice() is None and not method.catalogue_default:
            self._say(method.missing_model)
            return None
        self.main_window.tools.end_mode(commit=True)
        self._sync_choice()
        try:
            request = state.prepare(**self._overrides())
        except InvalidInput as exc:
            self.seed.setValue(state.spec.seed)  # rolled, if random
            self._say(str(exc))
            return None
        except Exception as exc:
            self.seed.setValue(state.spec.seed)
            self.main_window.report(exc, "Could not generate the layer")
            return None
        self.seed.setValue(state.spec.seed)
        self.message.hide()
        job = generate_job(request, on_finished=lambda result: self._finished(session, request,
                                                                              result))
        self.job = job
        self.main_window.jobs.job_ended.connect(self._job_ended)
        self.main_window.jobs.submit(job, canvas=session.canvas, preview_box=request.preview_box,
                                  failure_title="Could not generate the layer")
        self._update_buttons()
        return job

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.main_window.status(text)

    def _job_ended(self, job: Job) -> None:
        if job is not self.job:
            return
        self.main_window.jobs.job_ended.disconnect(self._job_ended)
        self.job = None
        self._update_buttons()

    def _finished(self, session, request, generation: Generation) -> None:
        if session not in self.main_window.sessions:
            return  # the document was closed meanwhile
        session.generation.receive(request, generation)
        self._show_candidate(session)
        if session is self.session:
            self._show_results()
            make_room = getattr(self.main_window, "make_room_for_generate", None)
            if make_room is not None:
                make_room()
            QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.discard_button, 0, 8))
        empty = sum(c.empty for c in generation.candidates)
        count = len(generation.candidates)
        self.main_window.status(f"{count} candidate{'s' if count > 1 else ''} ready"
                             + (f" ({empty} empty)" if empty else "")
                             + " — Apply adds the one shown as a layer.")

    # -- candidates (the state's; the panel only shows them) -------------------------------------------
    def _show_results(self) -> None:
        pending = self.state.pending
        self.results.setVisible(pending is not None)
        if pending is None:
            return
        self.strip.blockSignals(True)
        self.strip.clear()
        for candidate in pending.generation.candidates:
            item = QListWidgetItem(_thumbnail_icon(candidate.thumbnail), "")
            item.setToolTip(f"Seed {candidate.seed}" + (" (empty)" if candidate.empty else ""))
            item.setSizeHint(QSize(70, 70))
            self.strip.addItem(item)
        self.strip.setCurrentRow(pending.index)
        self.strip.blockSignals(False)
        has_composite = pending.candidate.composite is not None
        self.show_composite.setVisible(has_composite)
        self.show_composite.blockSignals(True)
        self.show_composite.setChecked(pending.show_composite)
        self.show_composite.blockSignals(False)
        self._update_candidate_controls()

    def _update_candidate_controls(self) -> None:
        pending = self.state.pending
        candidate = pending.candidate
        text = f"{pending.index + 1} of {pending.count} · seed {candidate.seed}"
        if candidate.empty:
            text += " · empty"
        self.candidate_label.setText(text)
        self.previous.setEnabled(pending.index > 0)
        self.next.setEnabled(pending.index < pending.count - 1)
        self.apply_button.setEnabled(not candidate.empty)

    def _show_candidate(self, session) -> None:
        """Draws the session's current candidate (or BFS composite picture) on its canvas."""
        pending = session.generation.pending if session.generation is not None else None
        canvas = session.canvas
        if pending is None or canvas is None:
            return
        candidate = pending.candidate
        if pending.show_composite and candidate.composite is not None:
            canvas.set_overlay(CANDIDATE_OVERLAY, candidate.composite, pending.generation.window)
        elif candidate.empty:
            canvas.clear_overlay(CANDIDATE_OVERLAY)
        else:
            canvas.set_overlay(CANDIDATE_OVERLAY, candidate.pixels, candidate.box)

    def select_candidate(self, index: int) -> None:
        if self.session is None or self.state.pending is None:
            return
        self.state.select(index)
        self._show_candidate(self.session)
        self.strip.blockSignals(True)
        self.strip.setCurrentRow(self.state.pending.index)
        self.strip.blockSignals(False)
        self._update_candidate_controls()

    def step_candidate(self, delta: int) -> None:
        if self.state.pending is not None:
            self.select_candidate(self.state.pending.index + delta)

    def _strip_row(self, row: int) -> None:
        if row >= 0:
            self.select_candidate(row)

    def _composite_toggled(self, on: bool) -> None:
        if self.session is not None and self.state.pending is not None:
            self.state.pending.show_composite = on
            self._show_candidate(self.session)

    def apply(self):
        """Adds the candidate shown as a new layer (one undo step); returns the layer."""
        session = self.session
        if session is None or self.state.pending is None:
            return None
        try:
            layer = self.state.apply(alpha_as_mask=self.settings.alpha_as_mask)
        except Exception as exc:
            self.main_window.report(exc, "Could not add the layer")
            return None
        self._dropped(session)
        self.main_window.status(f"Added the layer “{layer.name}”.")
        return layer

    def discard(self) -> None:
        if self.session is not None and self.state.pending is not None:
            self.state.discard()
            self._dropped(self.session)

    def _dropped(self, session) -> None:
        """The session's candidates are gone: off the canvas and the panel."""
        if session.canvas is not None:
            session.canvas.clear_overlay(CANDIDATE_OVERLAY)
        if session is self.session:
            self._show_results()

    def _update_buttons(self) -> None:
        has_doc = self.session is not None
        if self.running:
            self.generate_button.setText("Cancel")
            self.generate_button.setIcon(icon("cancel"))
            self.generate_button.setEnabled(True)
        else:
            self.generate_button.setText("Generate")
            self.generate_button.setIcon(icon("sparkles"))
            self.generate_button.setEnabled(has_doc)

    # -- warm-up ------------------------------------------------------------------------------------------
    def warm_up(self) -> Optional[Job]:
        """Loads the remembered model in the background if it is on this computer (quiet)."""
        method = self.settings.value("generate/method", "add_foreground")
        model = self.settings.value(f"generate/model/{method}", "") or None
        known = {m.id: m for m in registry.layer_methods()}
        if method not in known or (model is None and not known[method].catalogue_default):
            return None  # nothing to warm up (BFS has no catalogue default)
        job = warm_up_job(model, device=self.settings.engine_device,
                          dtype=self.settings.engine_dtype, cpu_offload=self.settings.cpu_offload,
                          if_present=True)
        return self.main_window.jobs.submit_background(job)


def _thumbnail_icon(rgb) -> QIcon:
    import numpy as np

    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888).copy()
    return QIcon(QPixmap.fromImage(image))
