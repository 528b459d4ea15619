"""The main window: document tabs around the canvas, tool palette, panels, menus, status bar.

It owns the open documents (one `DocumentSession` per tab), gives the panels
and tools the one in front, turns menu commands into document operations,
and asks before unsaved work is closed. Layout, recent files, colours and
tool options are remembered in QSettings.
"""
from __future__ import annotations

import os
from typing import Optional

import numpy as np
from PySide6.QtCore import QByteArray, QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (QDockWidget, QFrame, QHBoxLayout, QLabel,
                               QMainWindow, QMenu, QProgressBar, QPushButton, QStackedWidget,
                               QStatusBar, QTabBar, QTabWidget, QToolBar, QToolButton,
                               QVBoxLayout, QWidget)

from editor.model import Document, DocumentError, render
from editor.model.errors import describe
from editor.model.files import open_document

from . import dialogs, worker
from .adjustment_commands import AdjustmentCommands
from .apply_image_dialog import ApplyImageCommands
from .artboard_dialog import ArtboardCommands
from .actions import (Context, Spec, add_actions, build_actions, build_menus, build_tool_actions,
                      in_menu_order, refresh_actions, show_tool_keys)
from .autosave import Autosaver, find_orphans
from .background_commands import BackgroundCommands
from .canvas import CanvasView
from .color_panel import ColorPanel
from .decompose_commands import DecomposeCommands
from .difference_commands import DifferenceCommands
from .auto_layers_commands import AutoLayersCommands
from .focus_area_dialog import FocusAreaCommands
from .content_scale_dialog import ContentScaleCommands
from .content_fill_workspace import ContentFillWorkspaceCommands
from .guide_layout_dialog import GuideLayoutCommands
from .edit_commands import EditCommands
from .file_commands import FileCommands
from .filter_commands import FilterCommands
from .generate_panel import GeneratePanel
from .glyphs_panel import GlyphsPanel
from .type_styles_panel import TypeStylesPanel
from .hdr_commands import HDRCommands
from .history_commands import HistoryCommands
from .history_panel import HistoryPanel
from .histogram_panel import HistogramPanel
from .info_panel import InfoPanel
from .image_commands import ImageCommands
from .mode_commands import ModeCommands, grey_color
from .job_ui import JobUI
from .layer_commands import LayerCommands
from .layer_set_commands import LayerSetCommands
from .layers_panel import LayersPanel
from .mask_commands import MaskCommands
from .style_commands import StyleCommands
from .styles_panel import StylesPanel
from .tool_presets_panel import PresetPicker, ToolPresets, ToolPresetsPanel
from .swatches_panel import SwatchesPanel
from .type_panels import CharacterPanel, ParagraphPanel
from .mask_display import MaskDisplayCommands
from .models_dialog import ModelsDialog
from .navigator_panel import NavigatorPanel
from .palette_commands import PaletteCommands
from .channel_commands import ChannelCommands
from .channels_panel import ChannelsPanel
from .layer_comp_commands import LayerCompCommands
from .actions_panel import ActionsPanel
from .matting_commands import MattingCommands
from .layer_comps_panel import LayerCompsPanel
from .path_commands import PathCommands
from .paths_panel import PathsPanel
from .properties_panel import PropertiesPanel
from .select_and_mask import SelectAndMaskCommands
from .select_commands import SelectCommands
from .sky_replacement_dialog import SkyReplacementCommands
from .session import DocumentSession
from .settings import Settings
from .shortcut_commands import ShortcutCommands
from .slice_commands import SliceCommands
from .text_edit_commands import TextEditCommands
from .tools import ToolManager
from .tools.toolbox import GROUPS as TOOL_GROUPS, all_tools
from .transform_commands import TransformCommands
from .type_commands import TypeCommands
from .smart_object_commands import SmartObjectCommands
from .export_commands import ExportCommands
from .print_commands import PrintCommands
from .file_info_dialog import FileInfoCommands
from .automate_commands import AutomateCommands
from .view_commands import ViewCommands
from .workspace_commands import WorkspaceCommands

APP_NAME = "Layered"
# The saved layout's version: 2 since the Paths panel, 3 since the Channels panel, 4 since
# Navigator and Info, 5 since Layer Comps, 6 since Histogram, 7 since Actions, 8 since
# Swatches, 9 since Character and Paragraph, 10 since Styles, 11 since Glyphs, Character and
# Paragraph Styles and Tool Presets (a layout saved without a new dock is not restored, so
# the new dock takes its default place).
STATE_VERSION = 11
# The engine warms up (imports torch, loads the chosen model) this long after the window
# first shows, so that start-up itself stays free of torch.
WARM_UP_DELAY_MS = 2000
# Heights (px) the History and Layers docks keep when Generate's candidates borrow room.
HISTORY_KEEP, LAYERS_KEEP = 150, 300


def _warm_up_kernels() -> None:
    """The compiled kernels a first drag, adjustment, fill or heal would otherwise wait for
    (render.warm_up, then the content-aware fill's)."""
    from engine.methods.decompose_steps.patchmatch_fill import warm_up

    render.warm_up()
    warm_up()


class ColorSwatch(QWidget):
    """Foreground over background colour, as in Photoshop's tool palette."""

    def __init__(self, window: "MainWindow"):
        super().__init__()
        self.main_window = window
        self.setFixedSize(40, 40)
        self.setToolTip("Foreground / background colour (click to choose; X swaps, D resets)")
        self.setObjectName("ColorSwatch")

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setPen(QPen(QColor("#0f1012"), 1))
        p.setBrush(self.main_window.background)
        p.drawRect(15, 15, 22, 22)
        p.setPen(QPen(QColor("#e6e8ec"), 1))
        p.setBrush(self.main_window.foreground)
        p.drawRect(3, 3, 22, 22)

    def mousePressEvent(self, e) -> None:
        foreground = e.position().x() < 26 and e.position().y() < 26
        current = self.main_window.foreground if foreground else self.main_window.background
        color = dialogs.ask_color(self, current, "Foreground colour" if foreground
                                  else "Background colour")
        if color is not None:
            if foreground:
                self.main_window.set_foreground(color)
            else:
                self.main_window.set_background(color)


class WelcomePage(QWidget):
    """What the window shows when no document is open."""

    def __init__(self, window: "MainWindow"):
        super().__init__()
        self.setObjectName("Welcome")
        self.main_window = window
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("Card")
        card.setFixedWidth(420)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        title = QLabel("Layered")
        title.setObjectName("WelcomeTitle")
        layout.addWidget(title)
        sub = QLabel("Open an image or a PSD, or drop files here.")
        sub.setObjectName("Dim")
        layout.addWidget(sub)
        row = QHBoxLayout()
        new = QPushButton("New…")
        new.clicked.connect(lambda: window.actions["new"].trigger())
        new.setObjectName("Primary")
        opened = QPushButton("Open…")
        opened.clicked.connect(lambda: window.actions["open"].trigger())
        row.addWidget(new)
        row.addWidget(opened)
        row.addStretch(1)
        layout.addLayout(row)
        self.recent_title = QLabel("RECENT")
        self.recent_title.setObjectName("SectionTitle")
        layout.addSpacing(8)
        layout.addWidget(self.recent_title)
        self.recent_box = QVBoxLayout()
        self.recent_box.setSpacing(2)
        layout.addLayout(self.recent_box)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(3)

    def show_recent(self, paths: list[str]) -> None:
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for path in paths[:6]:
            link = QPushButton(os.path.basename(path))
            link.setObjectName("Link")
            link.setToolTip(path)
            link.setCursor(Qt.CursorShape.PointingHandCursor)
            link.clicked.connect(lambda _=False, p=path: self.main_window.open_recent(p))
            self.recent_box.addWidget(link)
        self.recent_title.setVisible(bool(paths))


class MainWindow(QMainWindow):
    def __init__(self, settings: Optional[Settings] = None):
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings or Settings()
        self.sessions: list[DocumentSession] = []
        self._next_untitled = 1
        self.foreground = QColor(self.settings.value("colors/foreground", "#000000"))
        self.background = QColor(self.settings.value("colors/background", "#ffffff"))
        self.files = FileCommands(self)
        self.jobs = JobUI(self)  # engine work: one worker, progress + Cancel in the status bar
        self.tools = ToolManager(self, all_tools(self))
        self.tool_presets = ToolPresets(self)  # (the picker's and the panel's)
        self.tools.changed.connect(self._tool_changed)
        self.setAcceptDrops(True)
        self.resize(1440, 900)
        self.setMinimumSize(720, 480)

        self._build_central()
        self._build_panels()
        self.history_commands = HistoryCommands(self)  # Undo/Redo, through a tool mode first
        self.actions = build_actions(self)  # the window's own; self.specs: their rules
        self.contributed: list[Spec] = []
        # Command modules contribute their actions before the menus are built
        # (docs/adding_a_command.md); build_menus puts each in its place, in this order.
        self.layer_commands = LayerCommands(self)  # the Layer menu's own commands
        self.background_commands = BackgroundCommands(self)  # Layer > New > ...Background
        self.artboard_commands = ArtboardCommands(self)  # Layer > New Artboard, from Layers
        self.transform_commands = TransformCommands(self)  # Free Transform, flips, quarter turns
        self.palette_commands = PaletteCommands(self)  # X, D, [ and ]
        self.decompose_commands = DecomposeCommands(self)  # Decompose, Quick Mask, layered images
        self.difference_commands = DifferenceCommands(self)  # New Layer from Difference
        self.edit_commands = EditCommands(self)  # Cut, Copy Merged, Paste in Place, Clear, Fill…
        self.content_scale_commands = ContentScaleCommands(self)  # Edit > Content-Aware Scale
        self.sky_replacement_commands = SkyReplacementCommands(self)  # Edit > Sky Replacement…
        self.content_fill_workspace = ContentFillWorkspaceCommands(self)  # Edit > Content-Aware Fill…
        self.auto_layers_commands = AutoLayersCommands(self)  # Edit > Auto-Align/Blend Layers
        self.focus_area_commands = FocusAreaCommands(self)  # Select > Focus Area
        self.image_commands = ImageCommands(self)  # the Image menu: sizes, crop, rotate canvas
        self.mode_commands = ModeCommands(self)  # Image > Mode: RGB, Grayscale, Indexed Color
        self.select_commands = SelectCommands(self)  # Reselect, Inverse, Feather, shape keys
        self.mask_commands = MaskCommands(self)  # Layer > Layer Mask, clipping masks
        self.style_commands = StyleCommands(self)  # Layer > Layer Style
        # Copy/Paste Layer Style, Reverse, Link Layers, Select > All/Find Layers
        self.layer_set_commands = LayerSetCommands(self)
        self.mask_display = MaskDisplayCommands(self)  # \ (the mask's overlay), Mask Options
        self.select_and_mask = SelectAndMaskCommands(self)  # Select > Select and Mask…
        self.adjustment_commands = AdjustmentCommands(self)  # Layer > New Adjustment Layer
        self.type_commands = TypeCommands(self)  # Layer > Rasterize > Type
        self.smart_object_commands = SmartObjectCommands(self)  # Layer > Smart Objects
        self.text_edit_commands = TextEditCommands(self)  # Layer > Edit with Text…
        self.view_commands = ViewCommands(self)  # zoom field, rulers, guides, snapping
        self.guide_layout_commands = GuideLayoutCommands(self)  # New Guide Layout, From Shape
        self.path_commands = PathCommands(self)  # the Paths panel's, Vector Mask > Current Path
        self.filter_commands = FilterCommands(self)  # Image > Adjustments, the Filter menu
        self.hdr_commands = HDRCommands(self)  # Image > Adjustments > HDR Toning, Variations
        self.apply_image_commands = ApplyImageCommands(self)  # Image > Apply Image, Calculations
        self.channel_commands = ChannelCommands(self)  # Save/Load Selection, the Channels panel's
        self.layer_comp_commands = LayerCompCommands(self)  # Layer > Layer Comps, its panel's
        self.matting_commands = MattingCommands(self)  # Layer > Matting
        self.export_commands = ExportCommands(self)  # File > Export, File > Place Embedded
        self.slice_commands = SliceCommands(self)  # the slice tools' commands, Save for Web…
        self.automate_commands = AutomateCommands(self)  # File > Automate, File > Scripts
        self.shortcut_commands = ShortcutCommands(self)  # Edit > Keyboard Shortcuts…
        self.file_info_commands = FileInfoCommands(self)  # File > File Info…
        self.print_commands = PrintCommands(self)  # File > Print…, Print One Copy
        self.workspace_commands = WorkspaceCommands(self)  # Window > Arrange, Workspace
        for module in (self.layer_commands, self.background_commands, self.artboard_commands,
                       self.transform_commands,
                       self.select_commands, self.export_commands, self.automate_commands,
                       self.view_commands, self.guide_layout_commands, self.slice_commands,
                       self.palette_commands,
                       self.decompose_commands, self.difference_commands, self.edit_commands,
                       self.mode_commands, self.image_commands, self.mask_commands, self.type_commands,
                       self.smart_object_commands,
                       self.style_commands, self.layer_set_commands,
                       self.select_and_mask,
                       self.mask_display, self.adjustment_commands,
                       self.text_edit_commands, self.path_commands, self.filter_commands,
                       self.hdr_commands,
                       self.apply_image_commands,
                       self.channel_commands, self.content_scale_commands,
                       self.sky_replacement_commands,
                       self.content_fill_workspace,
                       self.auto_layers_commands, self.focus_area_commands,
                       self.layer_comp_commands,
                       self.matting_commands, self.shortcut_commands,
                       self.file_info_commands, self.print_commands,
                       self.workspace_commands):
            add_actions(self, module.action_specs())
        self._build_paths_panel()  # its buttons show the actions just made
        self.tool_actions = build_tool_actions(self)
        self._build_palette()
        self._build_options_bar()
        self.menus = build_menus(self, self.menuBar())
        self.menus["recent"].aboutToShow.connect(self._fill_recent_menu)
        for key in ("info", "histogram", "actions", "swatches", "character", "paragraph",
                    "styles", "character_styles", "paragraph_styles", "tool_presets"):
            self.docks[key].toggleViewAction().toggled.connect(
                self.actions[f"panel_{key}"].setChecked)
        self._build_status()
        self.decompose_commands.connect()
        self.view_commands.connect()
        self.workspace_commands.connect()
        self.shortcut_commands.start()  # the defaults noted, the user's set put on the actions

        self.default_state = self.saveState(STATE_VERSION)  # the Essentials workspace
        restored = self._restore_layout()
        self.autosaver = Autosaver(self.settings, lambda: list(self.sessions), self)
        self.autosaver.failed.connect(self.status)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_state)
        self.workspace_commands.started(restored)  # (a layout it could not read: one line)
        self.models_dialog = None
        self._warm_up_scheduled = False
        self.refresh_recent()
        self._show_session(None)
        self._tool_changed(self.tools.current)

    # -- construction ------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.tabs = QTabBar()
        self.tabs.setObjectName("DocumentTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(False)
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.tabCloseRequested.connect(lambda i: self.close_session(self.sessions[i]))
        layout.addWidget(self.tabs)
        self.stack = QStackedWidget()
        self.welcome = WelcomePage(self)
        self.stack.addWidget(self.welcome)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _dock(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.docks[key] = dock
        return dock

    def _build_panels(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        self.layers_panel = LayersPanel(self)
        self.history_panel = HistoryPanel(self)
        self.properties_panel = PropertiesPanel(self)
        self.generate_panel = GeneratePanel(self)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        props = self._dock("properties", "Properties", self.properties_panel)
        gen = self._dock("generate", "Generate", self.generate_panel)
        hist = self._dock("history", "History", self.history_panel)
        layers = self._dock("layers", "Layers", self.layers_panel)
        self.color_panel = ColorPanel(self)
        color = self._dock("color", "Color", self.color_panel)
        self.setDockNestingEnabled(True)
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        # Right column: Properties | Generate (tabs), History, then Layers (the largest).
        self.addDockWidget(right, props)
        self.splitDockWidget(props, hist, Qt.Orientation.Vertical)
        self.splitDockWidget(hist, layers, Qt.Orientation.Vertical)
        self.tabifyDockWidget(props, gen)
        self.tabifyDockWidget(gen, color)  # Properties | Generate | Color
        # Swatches: a tab after Color (Photoshop's group), closed until Window >
        # Swatches shows it: a fourth tab open there would cut every title of the group short.
        self.swatches_panel = SwatchesPanel(self)
        swatches = self._dock("swatches", "Swatches", self.swatches_panel)
        self.tabifyDockWidget(color, swatches)
        swatches.hide()
        # Character | Paragraph: tabs after Swatches, closed until the Window menu shows them
        # (Photoshop's default workspace has them closed too).
        self.character_panel = CharacterPanel(self)
        character = self._dock("character", "Character", self.character_panel)
        self.paragraph_panel = ParagraphPanel(self)
        paragraph = self._dock("paragraph", "Paragraph", self.paragraph_panel)
        self.tabifyDockWidget(swatches, character)
        self.tabifyDockWidget(character, paragraph)
        character.hide()
        paragraph.hide()
        # Styles: a tab after Paragraph, closed until Window > Styles shows it (its
        # thumbnails are drawn only once it is shown).
        self.styles_panel = StylesPanel(self)
        styles = self._dock("styles", "Styles", self.styles_panel)
        self.tabifyDockWidget(paragraph, styles)
        styles.hide()
        # Glyphs: a tab after Styles, closed until asked for (its grid is filled only once
        # it is shown).
        self.glyphs_panel = GlyphsPanel(self)
        glyphs = self._dock("glyphs", "Glyphs", self.glyphs_panel)
        self.tabifyDockWidget(styles, glyphs)
        glyphs.hide()
        # Character Styles | Paragraph Styles: tabs after Glyphs, closed until asked for.
        self.character_styles_panel = TypeStylesPanel(self, "character")
        char_styles = self._dock("character_styles", "Character Styles",
                                 self.character_styles_panel)
        self.paragraph_styles_panel = TypeStylesPanel(self, "paragraph")
        para_styles = self._dock("paragraph_styles", "Paragraph Styles",
                                 self.paragraph_styles_panel)
        self.tabifyDockWidget(glyphs, char_styles)
        self.tabifyDockWidget(char_styles, para_styles)
        char_styles.hide()
        para_styles.hide()
        # History | Navigator | Info: tabs, not a group of their own, so that the column's
        # least height (and the window's) stays what it was.
        self.navigator_panel = NavigatorPanel(self)
        navigator = self._dock("navigator", "Navigator", self.navigator_panel)
        self.info_panel = InfoPanel(self)
        info = self._dock("info", "Info", self.info_panel)
        self.tabifyDockWidget(hist, navigator)
        self.tabifyDockWidget(navigator, info)
        # Histogram: a tab after Info, hidden until Window > Histogram shows it (not in
        # Photoshop's default workspace either; hidden, it counts nothing).
        self.histogram_panel = HistogramPanel(self)
        histogram = self._dock("histogram", "Histogram", self.histogram_panel)
        self.tabifyDockWidget(info, histogram)
        histogram.hide()
        # Tool Presets: a tab after Histogram, closed until Window > Tool Presets.
        self.tool_presets_panel = ToolPresetsPanel(self)
        presets = self._dock("tool_presets", "Tool Presets", self.tool_presets_panel)
        self.tabifyDockWidget(histogram, presets)
        presets.hide()
        hist.raise_()
        props.raise_()
        self.default_panel_sizes()
        # Heights lent to Generate's candidates go back when another tab comes to the front.
        self._lent_heights: Optional[list[int]] = None
        gen.visibilityChanged.connect(lambda visible: visible or self._give_back_heights())

    def _build_paths_panel(self) -> None:
        """Channels and Paths, tabs beside Layers (Photoshop's group), behind it; Layer
        Comps, a tab beside History."""
        # Photoshop's order: Layers | Channels | Paths (each tab goes after the last).
        self.channels_panel = ChannelsPanel(self)
        channels = self._dock("channels", "Channels", self.channels_panel)
        self.tabifyDockWidget(self.docks["layers"], channels)
        self.paths_panel = PathsPanel(self)
        paths = self._dock("paths", "Paths", self.paths_panel)
        self.tabifyDockWidget(channels, paths)
        self.docks["layers"].raise_()
        # Layer Comps: a tab after History | Navigator | Info, behind History.
        self.layer_comps_panel = LayerCompsPanel(self)
        comps = self._dock("layer_comps", "Layer Comps", self.layer_comps_panel)
        self.tabifyDockWidget(self.docks["info"], comps)
        # Actions (Alt+F9): a tab after Layer Comps, closed until asked for, as Photoshop's.
        self.actions_panel = ActionsPanel(self)
        actions = self._dock("actions", "Actions", self.actions_panel)
        self.tabifyDockWidget(comps, actions)
        actions.hide()
        self.docks["history"].raise_()

    def default_panel_sizes(self) -> None:
        props, hist, layers = (self.docks[k] for k in ("properties", "history", "layers"))
        self.resizeDocks([props, hist, layers], [330, 170, 370], Qt.Orientation.Vertical)
        self.resizeDocks([layers], [300], Qt.Orientation.Horizontal)

    def _build_palette(self) -> None:
        bar = QToolBar("Tools")
        bar.setObjectName("ToolPalette")
        bar.setOrientation(Qt.Orientation.Vertical)
        bar.setMovable(False)
        bar.setIconSize(QSize(20, 20))
        self.tool_group_buttons: dict[tuple[str, ...], QToolButton] = {}
        for tool_id in ("move", "marquee", "lasso", "object_select", "crop", None, "spot_heal", "brush",
                        "clone_stamp", "history_brush", "eraser", "fill", "blur", "dodge", "eyedropper", None,
                        "pen", "type", "direct_select", "shape", None, "hand", "zoom"):
            if tool_id is None:
                bar.addSeparator()
            elif tool_id in TOOL_GROUPS:
                bar.addWidget(self._group_button(bar, TOOL_GROUPS[tool_id]))
            else:
                bar.addAction(self.tool_actions[tool_id])
        bar.addSeparator()
        bar.addAction(self.actions["free_transform"])
        spacer = QWidget()
        spacer.setFixedHeight(8)
        bar.addWidget(spacer)
        self.swatch = ColorSwatch(self)
        bar.addWidget(self.swatch)
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, bar)
        self.palette_bar = bar

    def _group_button(self, bar: QToolBar, members: tuple[str, ...]) -> QToolButton:
        """One place in the palette for a group of tools (Photoshop's): it shows the tool
        of the group last taken; pressed and held, a menu of them all."""
        button = QToolButton(bar)
        button.setObjectName(f"ToolGroup_{members[0]}")
        button.setAutoRaise(True)
        button.setIconSize(bar.iconSize())
        menu = QMenu(button)
        for tool_id in members:
            menu.addAction(self.tool_actions[tool_id])
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.DelayedPopup)
        button.setDefaultAction(self.tool_actions[members[0]])
        self.tool_group_buttons[members] = button
        return button

    def _build_options_bar(self) -> None:
        bar = QToolBar("Tool Options")
        bar.setObjectName("OptionsBar")
        bar.setMovable(False)
        bar.setFixedHeight(38)  # the same for every tool: the canvas must not jump
        bar.setIconSize(QSize(18, 18))
        # The Tool Preset picker (the current tool's icon, Photoshop's place for it).
        self.tool_preset_picker = PresetPicker(self)
        self.tool_preset_picker.setIconSize(QSize(18, 18))
        self.tool_preset_picker.setFixedWidth(26)  # (the label's width before it: the bars are full)
        bar.addWidget(self.tool_preset_picker)
        self.options_stack = QStackedWidget()
        self.options_stack.addWidget(QWidget())
        bar.addWidget(self.options_stack)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        bar.setFixedHeight(38)  # again: adding the bar to the window resets its minimum
        self.options_bar = bar

    def _build_status(self) -> None:
        bar = QStatusBar()
        self.setStatusBar(bar)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(90)
        self.busy_bar.hide()
        self._busy: list[str] = []
        self.size_label = QLabel()
        self.cursor_label = QLabel()
        self.zoom_label = QLabel()
        for label, width in ((self.size_label, 150), (self.cursor_label, 130), (self.zoom_label, 80)):
            label.setObjectName("StatusField")
            label.setMinimumWidth(width)
        bar.addPermanentWidget(self.jobs.status)
        bar.addPermanentWidget(self.busy_bar)
        bar.addPermanentWidget(self.size_label)
        bar.addPermanentWidget(self.cursor_label)
        bar.addPermanentWidget(self.zoom_label)

    def _restore_layout(self) -> Optional[bool]:
        """The window's size and panels as they were last closed: whether the panels' layout
        could be restored (None when none was saved)."""
        geometry = self.settings.q.value("window/geometry")
        state = self.settings.q.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        return None if state is None else self.restore_layout_state(state)

    def layout_state(self) -> QByteArray:
        """The panels' places (a workspace's layout)."""
        return self.saveState(STATE_VERSION)

    def restore_layout_state(self, state) -> bool:
        """Puts the panels where `state` (from `layout_state`) says; False, and nothing
        changed, when it cannot be read (damaged, or saved with other panels)."""
        return isinstance(state, QByteArray) and bool(self.restoreState(state, STATE_VERSION))

    def save_layout(self) -> None:
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.set_value("window/state", self.saveState(STATE_VERSION))
        self.settings.set_value("colors/foreground", self.foreground.name())
        self.settings.set_value("colors/background", self.background.name())
        self.settings.sync()

    def make_room_for_generate(self) -> None:
        """When candidates arrive in a short Generate dock, lends it height from the History
        and Layers panels below, which keep several rows each (HISTORY_KEEP, LAYERS_KEEP);
        the heights go back when another tab comes to the front. The Generate button itself
        never needs this: it stays below the panel's scrolling fields."""
        gen, hist, layers = (self.docks[k] for k in ("generate", "history", "layers"))
        if not gen.isVisible() or gen.isFloating() or hist.isFloating() or layers.isFloating():
            return
        area = self.dockWidgetArea(gen)
        if self.dockWidgetArea(hist) != area or self.dockWidgetArea(layers) != area:
            return
        need = self.generate_panel.comfortable_height() + 36  # + the dock's title bar
        if gen.height() >= need:
            return
        spare = max(0, hist.height() - HISTORY_KEEP) if hist.isVisible() else 0
        spare_layers = max(0, layers.height() - LAYERS_KEEP) if layers.isVisible() else 0
        more = min(need - gen.height(), spare + spare_layers)
        if more <= 0:
            return
        if self._lent_heights is None:
            self._lent_heights = [gen.height(), hist.height(), layers.height()]
        from_history = min(spare, more // 2 + max(0, more // 2 - spare_layers))
        from_layers = more - from_history
        self.resizeDocks([gen, hist, layers], [gen.height() + more, hist.height() - from_history,
                                               layers.height() - from_layers],
                         Qt.Orientation.Vertical)

    def _give_back_heights(self) -> None:
        lent, self._lent_heights = self._lent_heights, None
        if lent is not None:
            docks = [self.docks[k] for k in ("properties", "history", "layers")]
            if not any(d.isFloating() for d in docks):
                self.resizeDocks(docks, lent, Qt.Orientation.Vertical)

    def toggle_info(self) -> None:
        """F8 (Photoshop's): the Info panel to the front, or closed if it is there already."""
        self.toggle_panel("info")

    def toggle_panel(self, key: str) -> None:
        """A panel's item of the Window menu (Photoshop's): the panel to the front
        (shown in its tab group), or closed if it is there already."""
        dock = self.docks[key]
        if dock.isVisible() and not dock.visibleRegion().isEmpty():  # in front
            dock.close()
        else:
            dock.show()
            dock.raise_()
        self.actions[f"panel_{key}"].setChecked(not dock.isHidden())

    def default_layout(self) -> None:
        """The panels as the window first laid them out (the Essentials workspace)."""
        self.restore_layout_state(self.default_state)
        self.default_panel_sizes()  # the saved state may predate the window's first layout

    def layout_changed(self) -> None:
        """After a workspace put the panels in other places."""
        self._lent_heights = None
        QTimer.singleShot(0, self._hide_stray_tab_bars)
        self._schedule_refresh()

    # -- what tools, panels and command modules call (window_api.EditorWindow) ---------------------
    def set_foreground(self, color: QColor) -> None:
        self.foreground = self._in_mode(color)
        self._colors_changed()

    def set_background(self, color: QColor) -> None:
        self.background = self._in_mode(color)
        self._colors_changed()

    def _in_mode(self, color: QColor) -> QColor:
        """A colour chosen for a Grayscale document is its grey (mode_commands)."""
        doc = self.doc
        return grey_color(color) if doc is not None and doc.color_mode == "grayscale" \
            else QColor(color)

    def _colors_changed(self) -> None:
        self.swatch.update()
        self.color_panel.refresh()
        self.tools.selected.colors_changed()

    def report(self, exc: BaseException, title: str = "") -> None:
        """One clear dialog for a failure; never a traceback."""
        dialogs.show_error(self, title or APP_NAME, describe(exc, editor=True))

    def status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def trigger(self, name: str) -> None:
        self.actions[name].trigger()

    def action(self, name: str):
        return self.actions[name]

    def update_actions(self) -> None:
        """Enables the actions for the state now, not at the next turn of the event loop
        (a context menu copies their enabling as it opens)."""
        self._refresh_state()

    def busy(self, label: str, on: bool) -> None:
        if on:
            self._busy.append(label)
        elif label in self._busy:
            self._busy.remove(label)
        self.busy_bar.setVisible(bool(self._busy))
        if self._busy:
            self.statusBar().showMessage(self._busy[-1])
        else:
            self.statusBar().clearMessage()

    # -- documents --------------------------------------------------------------------------------
    @property
    def session(self) -> Optional[DocumentSession]:
        i = self.tabs.currentIndex()
        return self.sessions[i] if 0 <= i < len(self.sessions) else None

    @property
    def canvas(self) -> Optional[CanvasView]:
        session = self.session
        return session.canvas if session is not None else None

    @property
    def doc(self) -> Optional[Document]:
        session = self.session
        return session.doc if session is not None else None

    def next_untitled(self, peek: bool = False) -> str:
        name = f"Untitled-{self._next_untitled}"
        if not peek:
            self._next_untitled += 1
        return name

    def add_session(self, doc: Document, title: Optional[str] = None, *,
                    restored: bool = False) -> DocumentSession:
        session = DocumentSession(doc, title, restored=restored)
        self.history_panel.apply_options(doc)
        # Photoshop's first snapshot: the document as opened (History Options)
        if not doc.snapshots.items and self.settings.history_option("first_snapshot"):
            doc.snapshots.take(session.title, opening=True)
        canvas = CanvasView(session, self.tools)
        session.canvas = canvas
        self.view_commands.attach(canvas)
        canvas.viewChanged.connect(self._view_changed)
        canvas.cursorMoved.connect(self._cursor_moved)
        canvas.maskViewChanged.connect(self._schedule_refresh)  # the \ item's check
        self.stack.addWidget(canvas)
        self.sessions.append(session)
        doc.history.changed.connect(self._refresh_state)
        doc.history.clean_changed.connect(lambda clean, s=session: self._clean_changed(s, clean))
        doc.active_changed.connect(lambda _node: self._schedule_refresh())
        doc.path_target_changed.connect(lambda _target: self._schedule_refresh())
        doc.channels_changed.connect(self._schedule_refresh)  # (the chosen channel too)
        doc.selection_changed.connect(lambda _box: self._schedule_refresh())
        doc.selection_mask_changed.connect(lambda _box: self._schedule_refresh())
        self.tabs.addTab(session.title)
        self.tabs.setTabToolTip(self.tabs.count() - 1, session.file or session.title)
        self.tabs.setCurrentIndex(len(self.sessions) - 1)
        return session

    def show_session(self, session: DocumentSession) -> None:
        self.tabs.setCurrentIndex(self.sessions.index(session))

    def _tab_changed(self, index: int) -> None:
        self._show_session(self.sessions[index] if 0 <= index < len(self.sessions) else None)

    def _show_session(self, session: Optional[DocumentSession]) -> None:
        if session is None:
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentWidget(session.canvas)
            session.canvas.setFocus()
        self.tools.set_canvas(session.canvas if session is not None else None)
        for panel in (self.layers_panel, self.history_panel, self.properties_panel,
                      self.generate_panel, self.paths_panel, self.channels_panel,
                      self.navigator_panel, self.info_panel, self.layer_comps_panel,
                      self.histogram_panel, self.character_styles_panel,
                      self.paragraph_styles_panel):
            panel.set_session(session)
        self.tabs.setVisible(bool(self.sessions))
        self._refresh_state()
        self._view_changed()

    def _clean_changed(self, session: DocumentSession, clean: bool) -> None:
        if clean and not session.restored:
            self.autosaver.forget(session)
        self._refresh_state()  # the title's * at once

    def document_saved(self, session: DocumentSession) -> None:
        self.autosaver.forget(session)
        self.history_panel.saved(session)
        i = self.sessions.index(session)
        self.tabs.setTabToolTip(i, session.file or session.title)
        if session.file:  # (a linked smart object's file, edited here: they read it again)
            self.smart_object_commands.linked_file_saved(session.file)
        self._refresh_state()

    def close_current(self) -> None:
        if self.session is not None:
            self.close_session(self.session)

    def close_all(self) -> None:
        """File > Close All (Alt+Ctrl+W): every tab, each asking first if it has unsaved
        changes; Cancel stops there."""
        for session in list(self.sessions):
            if not self.close_session(session):
                return

    def close_session(self, session: DocumentSession) -> bool:
        """Closes a tab, asking first if it has unsaved changes; False if the user cancelled."""
        if session is self.session:
            self.tools.end_mode(commit=False)
        if session.modified:
            self.show_session(session)
            answer = dialogs.ask_save_changes(self, session.title)
            if answer == "cancel" or (answer == "save" and not self.files.save(session)):
                return False
        self.autosaver.forget(session)
        i = self.sessions.index(session)
        canvas = session.canvas
        doc = session.doc
        doc.history.changed.disconnect(self._refresh_state)
        self.sessions.pop(i)
        self.tabs.removeTab(i)
        self.generate_panel.forget(session)
        self.jobs.forget_canvas(canvas)
        canvas.close_session()
        self.stack.removeWidget(canvas)
        canvas.deleteLater()
        session.close()
        if not self.sessions:
            self._show_session(None)
        return True

    def open_recent(self, path: str) -> None:
        if not os.path.exists(path):
            self.settings.remove_recent(path)
            self.refresh_recent()
            self.report(DocumentError(f"{path}: the file is no longer there."), "Could not open the file")
            return
        self.files.open_path(path)

    def refresh_recent(self) -> None:
        self.welcome.show_recent(self.settings.recent_files())

    def _fill_recent_menu(self) -> None:
        menu = self.menus["recent"]
        menu.clear()
        paths = self.settings.recent_files()
        for path in paths:
            menu.addAction(os.path.basename(path), lambda p=path: self.open_recent(p)).setToolTip(path)
        if paths:
            menu.addSeparator()
            menu.addAction("Clear Recent", lambda: (self.settings.clear_recent(), self.refresh_recent()))
        else:
            menu.addAction("No recent files").setEnabled(False)

    # -- state shown in title, tabs, status, menus ------------------------------------------------
    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _refresh_state(self) -> None:
        session = self.session
        for i, s in enumerate(self.sessions):
            self.tabs.setTabText(i, s.title + ("*" if s.modified else ""))
        if session is None:
            self.setWindowTitle(APP_NAME)
        else:
            self.setWindowTitle(f"{session.title}{'*' if session.modified else ''} — {APP_NAME}")
        doc = session.doc if session else None
        node = doc.active if doc else None
        self.mode_commands.constrain_colors()  # (another document, or its mode changed)
        chosen = tuple(self.layers_panel.selected_nodes()) if doc is not None else ()
        refresh_actions(self, Context(doc, node, self.jobs.busy, chosen))
        self.size_label.setText(f"{doc.width} × {doc.height} px" if doc else "")
        self.info_panel.refresh()  # the selection's size, the document's
        self.refresh_type_panels()

    def refresh_type_panels(self) -> None:
        """The Character and Paragraph panels show the active type layer's settings (the
        Glyphs panel its font, the Styles panels its styles)."""
        for panel in (getattr(self, "character_panel", None),
                      getattr(self, "paragraph_panel", None),
                      getattr(self, "glyphs_panel", None),
                      getattr(self, "character_styles_panel", None),
                      getattr(self, "paragraph_styles_panel", None)):
            if panel is not None and "type" in self.tools.tools:
                panel.refresh()
        if "type" in self.tools.tools:  # (its size in the type unit at this resolution)
            self.tools.tools["type"].show_bar()

    def _view_changed(self) -> None:
        canvas = self.canvas
        self.zoom_label.setText(f"{canvas.zoom * 100:.4g} %" if canvas is not None else "")
        self.view_commands.view_changed()
        self.navigator_panel.view_changed()

    def _cursor_moved(self, point: Optional[QPointF]) -> None:
        self.info_panel.cursor_moved(point)
        if point is None:
            self.cursor_label.setText("")
        else:
            self.cursor_label.setText(f"{int(np.floor(point.x()))}, {int(np.floor(point.y()))} px")

    def _tool_changed(self, tool) -> None:
        for tool_id, action in self.tool_actions.items():
            if tool_id == tool.id:
                action.setChecked(True)
        for members, button in self.tool_group_buttons.items():
            if tool.id in members:  # the group's place shows the tool now taken
                button.setDefaultAction(self.tool_actions[tool.id])
        show_tool_keys(self)  # a group's shared letter goes to the tool its place shows

        self.tool_preset_picker.show_tool(tool)
        options = tool.options()
        if options is None:
            self.options_stack.setCurrentIndex(0)
        else:
            if self.options_stack.indexOf(options) < 0:
                self.options_stack.addWidget(options)
            self.options_stack.setCurrentWidget(options)

    # -- the window's own dialogs ---------------------------------------------------------------
    def preferences(self) -> None:
        dialog = dialogs.PreferencesDialog(self, self.settings)
        if dialog.exec():
            dialog.apply()
            self.autosaver.restart()
            for session in self.sessions:  # (History States)
                self.history_panel.apply_options(session.doc)
            self.view_commands.grid_changed()  # (the rulers' unit too)
            self.info_panel.refresh()  # (X, Y, W and H in the rulers' unit)
            self.refresh_type_panels()  # (the type unit)

    def show_models(self) -> None:
        """The Models dialog (one per window, not modal: a download can run while you work)."""
        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self, self.settings)
            self.models_dialog.models_changed.connect(self.generate_panel.refresh_models)
        else:
            self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()

    def show_shortcuts(self) -> None:
        dialogs.show_shortcuts(self, in_menu_order(self))

    def show_about(self) -> None:
        dialogs.show_about(self)

    # -- crash recovery -----------------------------------------------------------------------------
    def offer_recovery(self) -> None:
        """Offers back the work of runs that crashed (their recovery folders were left behind)."""
        orphans = find_orphans(self.settings.recovery_dir, self.autosaver.directory)
        if not orphans:
            return
        labels = [f"{e.title} (saved {e.saved})" for o in orphans for e in o.entries]
        answer = dialogs.ask_restore(self, labels)
        for orphan in orphans:
            if answer == "restore":
                self._restore(orphan)
            elif answer == "discard":
                orphan.discard()
            else:
                orphan.release()

    def _restore(self, orphan) -> None:
        failed = False
        for entry in orphan.entries:
            try:
                doc = open_document(entry.psd)
            except Exception as exc:
                failed = True
                self.report(exc, f"Could not restore {entry.title}")
                continue
            doc.path, doc.source_path = entry.path, entry.source_path
            session = self.add_session(doc, entry.title, restored=True)
            self.autosaver.adopt(session, entry)
            self._refresh_state()
        if failed:
            orphan.release()  # keep what could not be read, for another try
        else:
            orphan.discard()

    # -- window events ------------------------------------------------------------------------------
    def showEvent(self, e) -> None:
        super().showEvent(e)
        QTimer.singleShot(0, self._hide_stray_tab_bars)
        if not self._warm_up_scheduled and self.settings.warm_up:
            self._warm_up_scheduled = True
            QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up)

    def _hide_stray_tab_bars(self) -> None:
        """Hides the dock tab bars Qt made but does not use. Laying out a second group of
        tabbed docks (Layers | Paths) before the window is shown, or restoring a saved
        layout, leaves Qt 6.11's QMainWindow with spare tab bars that stay visible where
        they were first put: one drew its edge across the History panel. A bar in use sits
        right above one of its docks; Qt shows a spare bar again when it takes it into use."""
        docks = [d for d in self.docks.values() if d.isVisible() and not d.isFloating()]
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not bar.isVisible():
                continue
            g = bar.geometry()
            if not any(abs(d.geometry().top() - g.bottom() - 1) <= 3
                       and abs(d.geometry().left() - g.left()) <= 3 for d in docks):
                bar.hide()

    def _warm_up(self) -> None:
        if self.isVisible() and self.settings.warm_up:
            self.generate_panel.warm_up()
            worker.start(_warm_up_kernels, lambda _: None, lambda _: None)  # best effort

    def dragEnterEvent(self, e) -> None:
        if e.mimeData().hasUrls() and any(u.isLocalFile() for u in e.mimeData().urls()):
            e.acceptProposedAction()

    def dropEvent(self, e) -> None:
        paths = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.files.drop(paths)

    def closeEvent(self, e) -> None:
        self.tools.end_mode(commit=True)
        for session in list(self.sessions):
            if session.modified and not self.close_session(session):
                e.ignore()
                return
        self.save_layout()
        self.autosaver.shutdown()
        if self.models_dialog is not None:
            self.models_dialog.close()
        self.jobs.shutdown()
        e.accept()
