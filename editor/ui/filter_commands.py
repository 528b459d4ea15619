"""Image > Adjustments and the Filter menu: destructive adjustments and filters on the active
pixel layer, inside the selection (its soft edge) when there is one.

Image > Adjustments holds Brightness/Contrast, Levels (Ctrl+L), Curves (Ctrl+M), Exposure,
Hue/Saturation (Ctrl+U), Color Balance (Ctrl+B), each in a dialog that edits the
adjustment layers' settings in their own editor, and the one-shot Invert (Ctrl+I;
the Invert adjustment's pass) and Desaturate (Shift+Ctrl+U); after the submenu, Image >
Auto Tone, Auto Contrast and Auto Color (`editor.model.auto_tone`: a computed Levels);
Edit > Fade (Shift+Ctrl+F) right after one of these, a filter or a stroke
(`editor.model.fade`, in `FadeDialog`); Vibrance, Black & White
(Alt+Shift+Ctrl+B), Photo Filter, Channel Mixer and Color Lookup (a 3D LUT file) likewise,
in Photoshop's places, and
after Invert, Posterize, Threshold, Gradient Map and Selective Color; Shadows/Highlights (its
dialog, Show More Options; HDR Toning and Variations follow it, from `hdr_commands.py`),
then Desaturate, Match Color (`match_color_dialog.py`: another
document's layer or merged picture as the source), Replace Color (its dialog beside the canvas, the
canvas its eyedropper) and Equalize (a question only when something is selected), in
`editor.model.tone_adjustments`. The Filter menu holds, in Photoshop's
order, Blur (Box Blur, Gaussian Blur, Motion Blur, Surface Blur), Noise (Add Noise, Dust &
Scratches, Median), Pixelate (Mosaic), Sharpen (Unsharp Mask), Stylize (Emboss, Find Edges)
and Other (High Pass, Maximum, Minimum, Offset); before them Lens Correction (Shift+Ctrl+R:
`lens_correction_dialog.py`, Photoshop's Custom tab on `editor.model.lens_correction`) and
Liquify (Shift+Ctrl+X:
`liquify_dialog.py` paints `editor.model.liquify`'s field, OK runs it as a job as Last
Filter runs a filter), then Vanishing Point (Alt+Ctrl+V: `vanishing_point_dialog.py` edits a
copy of the layer along planes in perspective, `editor.model.vanishing_point`). The dialogs (`filter_dialog.py`) preview live on the canvas; OK is
one undo step, Cancel leaves nothing; Find Edges has no dialog and runs at once, as a job.
Last Filter (Ctrl+F) runs the last one again with its settings. The work is
`editor.model.filter_ops` with the operations of `editor.model.pixel_filters` and
`more_filters` (whose FILTERS names them all).

Render's Flame, Picture Frame and Tree (`editor.model.render_pictures`, their rows in
`render_picture_dialogs.py`) come first in Render; Flame draws along the chosen path.

Filter > Distort (Displace, Pinch, Polar Coordinates, Ripple, Spherize, Twirl, Wave, ZigZag:
`editor.model.distort_filters`, their rows in `distort_rows.py`) comes after Blur, and Render
(Clouds, Difference Clouds, Lens Flare: `editor.model.render_filters`; Lens Flare's centre
clicked in `lens_flare_dialog.py`; Lighting Effects: `editor.model.lighting_effects`, its
lights dragged on the preview of `lighting_dialog.py`) after Pixelate, as in Photoshop;
Camera Raw Filter (Shift+Ctrl+A: `editor.model.camera_raw`, its before/after preview in
`camera_raw_dialog.py`) comes before Lens Correction; Clouds have no dialog and
make a new pattern in the foreground and background colours of the moment each time, Last
Filter's too (`_fresh`).

Average, Blur, Blur More, Lens Blur, Radial Blur, Sharpen, Sharpen Edges, Sharpen More, Smart
Sharpen, Despeckle, Reduce Noise, Color Halftone, Crystallize, Facet, Fragment, Pointillize,
Diffuse, Oil Paint, Solarize, Tiles and Wind (`editor.model.extra_filters`, `cell_filters`)
join the Blur, Noise, Pixelate, Sharpen and Stylize submenus in Photoshop's order from
`extra_filter_dialogs.py`, which also holds their rows and Radial Blur's and Smart Sharpen's
dialogs.

Shape Blur and Smart Blur (Blur), Shear (Distort), Fibers (Render), HSB/HSL (Other) and the
Video submenu (De-Interlace, NTSC Colors) after Stylize (`editor.model.shape_filters`,
`video_filters`) come from `shape_filter_dialogs.py`, with Shear's curve grid.

Filter > Filter Gallery… (after Last Filter, as Photoshop's menu has it) opens
`filter_gallery_dialog.py`: the artistic filters of `editor.model.gallery_filters` in their
folders, stacked as effect layers and applied as one filter (`FilterGallery`).

On a smart object, a filter (or Shadows/Highlights, as Photoshop allows; the other
adjustments are refused there, as in Photoshop) becomes a smart filter
(`editor.model.smart_filters`; its rows in the Layers panel: `smart_filter_rows.py`), whose
dialog a double-click opens again; Layer > Smart Filter > Clear Smart Filters takes them
all off.
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Optional

from editor.jobs import operation_job
from editor.model import (auto_tone, fade, filter_ops, mask_ops, more_filters as mf,
                          pixel_filters as pf, replay, smart_filters, tone_adjustments as tone, vanishing_point)
from editor.model.adjustments import KINDS
from editor.model.gallery_filters import FilterGallery
from editor.model.liquify import Liquify
from editor.model.vanishing_point import VanishingPoint

from .actions import ActionSpec, Context, Spec, SubmenuSpec, has_doc, run_on_doc
from .smart_filter_rows import filter_mask_link_label
from .camera_raw_dialog import DIALOGS as CAMERA_RAW_DIALOGS
from .extra_filter_dialogs import DIALOGS as EXTRA_DIALOGS, with_colours, with_extra_items
from .filter_dialog import (FILTER_ROWS, AdjustDialog, EqualizeDialog, FadeDialog, FilterDialog,
                            ReplaceColorDialog, ShadowsHighlightsDialog, SmartBlendingDialog)
from .filter_gallery_dialog import DIALOGS as GALLERY_DIALOGS, GalleryDialog
from .last_filter_dialogs import DIALOGS as LAST_DIALOGS, with_last_items
from .lens_correction_dialog import DIALOGS as LENS_DIALOGS
from .lens_flare_dialog import DIALOGS as FLARE_DIALOGS
from .lighting_dialog import DIALOGS as LIGHTING_DIALOGS, with_lighting_item
from .liquify_dialog import LiquifyDialog
from .render_picture_dialogs import with_render_picture_items
from .shape_filter_dialogs import DIALOGS as SHAPE_DIALOGS, with_shape_items
from .tools.blur_gallery import KINDS as GALLERY, BlurGalleryTool
from .vanishing_point_dialog import VanishingPointDialog

if TYPE_CHECKING:
    from .window_api import EditorWindow

# Image > Adjustments, in Photoshop's order and keys (None: a separator before the next).
ADJUSTMENTS = (("brightness_contrast", "&Brightness/Contrast…", None),
               ("levels", "&Levels…", "Ctrl+L"), ("curves", "C&urves…", "Ctrl+M"),
               ("exposure", "E&xposure…", None), None,
               ("hue_saturation", "&Hue/Saturation…", "Ctrl+U"),
               ("color_balance", "Color &Balance…", "Ctrl+B"))
# Vibrance after Exposure, Black & White, Photo Filter and Channel Mixer after Color
# Balance, as Photoshop's menu has them.
ADJUSTMENTS = ADJUSTMENTS[:4] + (("vibrance", "&Vibrance…", None),) + ADJUSTMENTS[4:] + (
    ("black_white", "Blac&k && White…", "Alt+Shift+Ctrl+B"),
    ("photo_filter", "&Photo Filter…", None), ("channel_mixer", "Cha&nnel Mixer…", None),
    ("color_lookup", "Colo&r Lookup…", None))  # (a 3D LUT file: `color_lookup.py`)
# After Invert (its own one-shot item, Ctrl+I): the kinds whose dialog has a setting or two,
# then Selective Color, as Photoshop's menu has them.
TONAL_ADJUSTMENTS = (("posterize", "P&osterize…"), ("threshold", "&Threshold…"),
                     ("gradient_map", "&Gradient Map…"), ("selective_color", "S&elective Color…"))
# The Filter menu's submenus and their filters, in Photoshop's order (those it has).
FILTER_MENUS = (("filter_blur", "&Blur", (("box_blur", "&Box Blur…"),
                                          ("gaussian_blur", "&Gaussian Blur…"),
                                          ("motion_blur", "&Motion Blur…"),
                                          ("surface_blur", "&Surface Blur…"))),
                ("filter_noise", "&Noise", (("add_noise", "Add &Noise…"),
                                            ("dust_scratches", "&Dust && Scratches…"),
                                            ("median", "&Median…"))),
                ("filter_pixelate", "&Pixelate", (("mosaic", "&Mosaic…"),)),
                ("filter_sharpen", "&Sharpen", (("unsharp_mask", "&Unsharp Mask…"),)),
                ("filter_stylize", "S&tylize", (("emboss", "&Emboss…"),
                                                ("find_edges", "&Find Edges"))),
                ("filter_other", "&Other", (("high_pass", "&High Pass…"),
                                            ("maximum", "Ma&ximum…"), ("minimum", "M&inimum…"),
                                            ("offset", "&Offset…"))))
# Average, Sharpen, Despeckle, Crystallize, Wind... in their places (`extra_filter_dialogs`).
FILTER_MENUS = with_extra_items(FILTER_MENUS)
FILTER_MENUS = with_last_items(FILTER_MENUS)  # Custom, Extrude, Trace Contour, Mezzotint


def _after(menus: tuple, name: str, menu: tuple) -> tuple:
    """`menus` with `menu` after the submenu called `name`."""
    i = [m[0] for m in menus].index(name) + 1
    return menus[:i] + (menu,) + menus[i:]


# Distort after Blur, Render after Pixelate, as Photoshop's menu has them
# (`editor.model.distort_filters`, `render_filters`).
FILTER_MENUS = _after(FILTER_MENUS, "filter_blur", (
    "filter_distort", "&Distort", (("displace", "&Displace…"), ("pinch", "&Pinch…"),
                                   ("polar_coordinates", "P&olar Coordinates…"),
                                   ("ripple", "&Ripple…"), ("spherize", "&Spherize…"),
                                   ("twirl", "&Twirl…"), ("wave", "&Wave…"),
                                   ("zigzag", "&ZigZag…"))))
FILTER_MENUS = _after(FILTER_MENUS, "filter_pixelate", (
    "filter_render", "&Render", (("clouds", "&Clouds"),
                                 ("difference_clouds", "&Difference Clouds"),
                                 ("lens_flare", "&Lens Flare…"))))
# Shear, Smart and Shape Blur, Fibers, HSB/HSL in their places, and Video after Stylize.
FILTER_MENUS = with_shape_items(FILTER_MENUS)
FILTER_MENUS = with_lighting_item(FILTER_MENUS)  # Render > Lighting Effects, last
FILTER_MENUS = with_render_picture_items(FILTER_MENUS)  # Flame, Picture Frame, Tree first

# Blur Gallery's kinds by their operation (a smart filter's, edited on the canvas).
GALLERY_KINDS = {cls: kind for kind, cls in GALLERY.items()}

# The filters whose dialog is not `FilterDialog`.
DIALOGS = {**FLARE_DIALOGS, **EXTRA_DIALOGS, **LAST_DIALOGS, **SHAPE_DIALOGS, **LENS_DIALOGS,
           **LIGHTING_DIALOGS, **GALLERY_DIALOGS, **CAMERA_RAW_DIALOGS}


class FilterCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.last: Optional[pf.Operation] = None  # the filter OK applied last (Ctrl+F's)
        self.dialog: Optional[ReplaceColorDialog] = None  # Replace Color's, while open
        self.gallery: Optional[FilterGallery] = None  # the Filter Gallery's stack OK applied

    def action_specs(self) -> list[Spec]:
        specs: list[Spec] = [SubmenuSpec("image_adjustments", "&Adjustments", menu="image",
                                         separator=True)]
        separator = False
        for item in ADJUSTMENTS:
            if item is None:
                separator = True
                continue
            kind, text, keys = item
            specs.append(ActionSpec(
                f"adjust_{kind}", text, lambda k=kind: self.adjust(k), keys,
                tip=f"{KINDS[kind].label} on the active layer's pixels (inside the selection)",
                enabled=has_doc, menu="image_adjustments", separator=separator))
            separator = False
        specs += [
            ActionSpec("adjust_invert", "&Invert", lambda: self.one_shot(pf.invert()), "Ctrl+I",
                       tip="Inverts the colours of the active layer (inside the selection)",
                       enabled=has_doc, menu="image_adjustments", separator=True),
            *self._tonal_specs(),
            ActionSpec("adjust_shadows_highlights", "&Shadows/Highlights…",
                       self.shadows_highlights,
                       tip="Lifts the shadows and darkens the highlights of the active layer "
                           "by their surroundings (inside the selection)",
                       enabled=has_doc, menu="image_adjustments", separator=True),
            ActionSpec("adjust_desaturate", "&Desaturate", lambda: self.one_shot(pf.Desaturate()),
                       "Shift+Ctrl+U",
                       tip="Turns the active layer's colours grey (inside the selection)",
                       enabled=has_doc, menu="image_adjustments", separator=True),
            ActionSpec("adjust_match_color", "&Match Color…", self.match_color,
                       tip="Matches the active layer's colours to another picture's "
                           "(inside the selection)",
                       enabled=has_doc, menu="image_adjustments"),
            ActionSpec("adjust_replace_color", "&Replace Color…", self.replace_color,
                       tip="Shifts the hue, saturation and lightness of the colours clicked "
                           "on the canvas (inside the selection)",
                       enabled=has_doc, menu="image_adjustments"),
            ActionSpec("adjust_equalize", "E&qualize", self.equalize,
                       tip="Spreads the active layer's levels evenly from black to white "
                           "(by the selection's histogram when there is one)",
                       enabled=has_doc, menu="image_adjustments")]
        specs += self._auto_specs()
        specs.append(ActionSpec(
            "fade", "&Fade…", self.fade, "Shift+Ctrl+F",
            tip="Fades the last filter, adjustment or stroke by an opacity and a blend mode",
            enabled=lambda c: c.doc is not None and not c.job_running
            and fade.last_edit(c.doc) is not None,
            label=self._fade_label, menu="edit", after="toggle_last_state", separator=True))
        specs += self._smart_filter_specs()
        specs.append(ActionSpec(
            "filter_last", "Last &Filter", self.repeat, "Ctrl+F",
            tip="The last filter again, with its settings (as a job: Esc cancels)",
            enabled=lambda c: c.doc is not None and self.last is not None and not c.job_running,
            label=self._last_label, menu="filter"))
        # Filter Gallery, Camera Raw Filter, Lens Correction, then Liquify, after Last Filter,
        # as Photoshop's menu has them.
        specs.append(ActionSpec(
            "filter_gallery", "Filter &Gallery…", self.filter_gallery,
            tip="Artistic, Brush Strokes, Sketch, Stylize and Texture filters, several stacked "
                "as effect layers, applied as one filter (inside the selection)",
            enabled=has_doc, menu="filter", separator=True))
        specs.append(ActionSpec(
            "filter_camera_raw", "Camera &Raw Filter…",
            lambda: self.filter("camera_raw"), "Shift+Ctrl+A",
            tip="Develops the active layer as Camera Raw's Basic panel does: white balance, "
                "exposure, tone, texture, clarity, dehaze, vibrance (inside the selection)",
            enabled=has_doc, menu="filter"))
        specs.append(ActionSpec(
            "filter_lens_correction", "Lens &Correction…",
            lambda: self.filter("lens_correction"), "Shift+Ctrl+R",
            tip="Removes barrel or pincushion distortion, colour fringes and vignetting, "
                "and straightens perspective (the active layer, inside the selection)",
            enabled=has_doc, menu="filter"))
        specs.append(ActionSpec(
            "filter_liquify", "&Liquify…", self.liquify, "Shift+Ctrl+X",
            tip="Pushes, pulls, puckers and bloats the active layer's pixels with a brush "
                "(inside the selection)",
            enabled=has_doc, menu="filter"))
        specs.append(ActionSpec(
            "filter_vanishing_point", "&Vanishing Point…", self.vanishing_point,
            "Alt+Ctrl+V",
            tip="Planes in perspective over the active layer: copy, clone and paste along "
                "them, shrinking towards the vanishing point (inside the selection)",
            enabled=has_doc, menu="filter"))
        for i, (menu, text, items) in enumerate(FILTER_MENUS):
            specs.append(SubmenuSpec(menu, text, menu="filter", separator=i == 0))
            for kind, item_text in items:
                specs.append(ActionSpec(
                    f"filter_{kind}", item_text, lambda k=kind: self.filter(k),
                    tip=f"{mf.FILTERS[kind].label} on the active layer (inside the selection)",
                    enabled=has_doc, menu=menu))
        # Blur Gallery right after Blur's items ("filter_blur" also names the Blur filter's
        # action, so `after` cannot point at the submenu).
        i = next(i for i, spec in enumerate(specs) if spec.name == "filter_distort")
        specs[i:i] = self._gallery_specs()
        return specs

    def _gallery_specs(self) -> list[Spec]:
        """Filter > Blur Gallery after Blur, as Photoshop's menu has it: each blur an
        on-canvas mode (`tools/blur_gallery.py`) that applies through `_submit`."""
        specs: list[Spec] = [SubmenuSpec("filter_blur_gallery", "Blur Ga&llery", menu="filter")]
        for kind, text in (("field_blur", "&Field Blur…"), ("iris_blur", "&Iris Blur…"),
                           ("tilt_shift", "&Tilt-Shift…"), ("path_blur", "&Path Blur…"),
                           ("spin_blur", "&Spin Blur…")):
            specs.append(ActionSpec(
                f"filter_{kind}", text, lambda k=kind: self.blur_gallery(k),
                tip=f"{mf.FILTERS[kind].label}: set the blur up on the canvas, Enter applies "
                    "it to the active layer (inside the selection)",
                enabled=has_doc, menu="filter_blur_gallery"))
        return specs

    def blur_gallery(self, kind: str, target: Optional[filter_ops.Target] = None,
                     op: Optional[pf.Operation] = None) -> None:
        """Filter > Blur Gallery > `kind`: its controls over the canvas (a mode: Enter
        applies it as a job, one undo step; Esc leaves nothing). `target` and `op`: a
        Blur Gallery smart filter being edited (its settings in its place on Enter)."""
        w = self.window
        if w.tools.mode is not None:
            w.tools.end_mode(commit=True)
        if target is None:
            target = self._target(mf.FILTERS[kind].label, "filter")
        if target is not None:
            w.tools.start_mode(BlurGalleryTool(w, w.tools, kind, target, op))
            w.canvas.setFocus()

    # -- smart filters: a filter on a smart object (its rows in the Layers panel) ---------------
    def _smart_filter_specs(self) -> list[Spec]:
        """Layer > Smart Filter > Clear Smart Filters (Photoshop's place) and Link / Unlink
        Filter Mask."""
        return [SubmenuSpec("smart_filter", "Smart Filte&r", menu="layer", after="smart_objects"),
                ActionSpec("clear_smart_filters", "&Clear Smart Filters",
                           lambda: run_on_doc(self.window, "Could not clear the smart filters",
                                              lambda doc: smart_filters.clear(doc, doc.active)),
                           enabled=lambda c: bool(getattr(c.node, "filters", ())),
                           menu="smart_filter",
                           tip="Takes every smart filter off the smart object"),
                ActionSpec("filter_mask_unlink", "&Unlink Filter Mask",
                           lambda: self.toggle_filter_mask_link(self.window.doc.active),
                           enabled=lambda c: getattr(c.node, "filter_mask", None) is not None,
                           menu="smart_filter", separator=True,
                           label=lambda c: filter_mask_link_label(c.node),
                           tip="Whether the filter mask moves with the smart object")]

    def toggle_filter_mask_link(self, layer) -> None:
        """The Smart Filters row's chain, its menu's and Layer > Smart Filter's Link /
        Unlink Filter Mask: the same mask attribute a layer mask's Unlink sets (one step;
        an unlinked mask stays where it is when the layer is moved)."""
        run_on_doc(self.window, "Could not change the filter mask",
                   lambda doc: mask_ops.set_mask_attr(doc, layer, "linked",
                                                      not layer.filter_mask.linked,
                                                      which="filter_mask")
                   if layer is not None and getattr(layer, "filter_mask", None) is not None
                   else None)

    def toggle_smart_filter(self, layer, index: int) -> None:
        """The eye of a smart filter's row: its effect hidden or shown (one step)."""
        run_on_doc(self.window, "Could not change the smart filter",
                   lambda doc: smart_filters.set_visible(
                       doc, layer, index, not layer.filters[index].visible))

    def smart_filter_mask(self, layer, reveal: bool) -> None:
        """The Smart Filters row's Reveal All / Hide All (one step)."""
        run_on_doc(self.window, "Could not change the filter mask",
                   lambda doc: smart_filters.set_mask(doc, layer, reveal))

    def delete_smart_filter(self, layer, index: int) -> None:
        run_on_doc(self.window, "Could not delete the smart filter",
                   lambda doc: smart_filters.delete(doc, layer, index))

    def edit_smart_filter(self, layer, index: int) -> None:
        """Double-click on a smart filter's row: its dialog with its settings, over the
        pixels below it; OK puts the new settings in its place (one step)."""
        target = run_on_doc(self.window, "Could not edit the smart filter",
                            lambda doc: smart_filters.edit_target(doc, layer, index))
        if target is None:
            return
        op = layer.filters[index].op
        if isinstance(op, pf.Adjust):
            AdjustDialog(self.window, target, op.settings).exec()
        elif type(op) in FILTER_ROWS or type(op) in DIALOGS:  # (DIALOGS: the gallery's)
            DIALOGS.get(type(op), FilterDialog)(self.window, target, op).exec()
        elif type(op) in GALLERY_KINDS:  # Blur Gallery: its controls on the canvas again
            self.blur_gallery(GALLERY_KINDS[type(op)], target, op)
        else:
            self.window.status(f"{op.label} has no settings to edit.")

    def smart_filter_blending(self, layer, index: int) -> None:
        """A smart filter's Blending Options: its mode and opacity (one step)."""
        smart = layer.filters[index]
        dialog = SmartBlendingDialog(self.window, smart.label, smart.mode, smart.opacity)
        if dialog.exec():
            mode, opacity = dialog.values()
            run_on_doc(self.window, "Could not change the smart filter",
                       lambda doc: smart_filters.set_blending(doc, layer, index, mode, opacity))

    def _auto_specs(self) -> list[Spec]:
        """Image > Auto Tone, Auto Contrast, Auto Color after Adjustments, with Photoshop's
        keys: Levels computed from the layer's histogram (`auto_tone`), one undo step."""
        tips = {"tone": "Stretches each channel of the active layer, 0.1 % clipped",
                "contrast": "Stretches the active layer's contrast, keeping its hues",
                "color": "Stretches each channel and makes the midtones' neutrals grey"}
        keys = {"tone": "Shift+Ctrl+L", "contrast": "Alt+Shift+Ctrl+L", "color": "Shift+Ctrl+B"}
        texts = {"tone": "Auto &Tone", "contrast": "Auto &Contrast", "color": "Aut&o Color"}
        return [ActionSpec(f"auto_{mode}", texts[mode], lambda m=mode: self.auto(m), keys[mode],
                           tip=tips[mode] + " (inside the selection)", enabled=has_doc,
                           menu="image", separator=i == 0)
                for i, mode in enumerate(("tone", "contrast", "color"))]

    def auto(self, mode: str) -> None:
        """Image > Auto Tone/Contrast/Color on the active pixel layer: one undo step."""
        label = auto_tone.MODES[mode]
        run_on_doc(self.window, f"Could not apply {label}",
                   lambda doc: replay.perform(doc, "auto", mode=mode))

    def _tonal_specs(self) -> list[Spec]:
        """Posterize, Threshold, Gradient Map and Selective Color after Invert, as Photoshop's menu has them:
        each in its dialog (the adjustment layer's settings, previewed on the layer)."""
        return [ActionSpec(f"adjust_{kind}", text, lambda k=kind: self.adjust(k),
                           tip=f"{KINDS[kind].label} on the active layer's pixels (inside the "
                               "selection)",
                           enabled=has_doc, menu="image_adjustments")
                for kind, text in TONAL_ADJUSTMENTS]

    def _target(self, label: str, verb: str, empty_ok: bool = False,
                smart: Optional[bool] = None):
        """The active pixel layer prepared, or None (the reason reported in one line)."""
        w = self.window
        return run_on_doc(w, f"Could not apply {label}",
                          lambda doc: filter_ops.prepare(doc, doc.active, verb, empty_ok, smart))

    def adjust(self, kind: str) -> None:
        """Image > Adjustments > `kind`: its dialog over the active layer."""
        settings = KINDS[kind]()
        target = self._target(settings.label, "adjust")
        if target is not None:
            AdjustDialog(self.window, target, settings).exec()

    def filter(self, kind: str) -> None:
        """Filter > ... > `kind`: its dialog over the active layer (a filter without settings,
        as Find Edges, runs at once as Last Filter does)."""
        op = with_colours(self._fresh(mf.FILTERS[kind]()), self.window)
        if hasattr(op, "for_document"):  # (Render > Flame, Tree: the path; their canvas)
            op = run_on_doc(self.window, f"Could not apply {op.label}", op.for_document)
            if op is None:
                return
        target = self._target(op.label, "filter", getattr(op, "paints", False))
        if target is None:
            return
        if type(op) not in FILTER_ROWS:
            self._submit(op, target)
            return
        dialog = DIALOGS.get(type(op), FilterDialog)(self.window, target, op)
        if dialog.exec():
            self.last = dialog.operation()

    def filter_gallery(self) -> None:
        """Filter > Filter Gallery…: its dialog over the active layer, opening on the stack
        OK applied last (as Photoshop's); OK applies the stack as one filter, which becomes
        the Last Filter."""
        target = self._target(FilterGallery.label, "filter")
        if target is None:
            return
        # (its Sketch layers in the colours of the moment, as Last Filter's: `_fresh`)
        dialog = GalleryDialog(self.window, target,
                               self._fresh(self.gallery) if self.gallery else None)
        if dialog.exec():
            self.last = self.gallery = dialog.operation()

    def liquify(self) -> None:
        """Filter > Liquify… (Shift+Ctrl+X): its dialog paints a field over the active layer;
        OK runs it as the other filters run (a job, one undo step, Ctrl+F repeats the same
        field, as Photoshop's Last Filter does)."""
        target = self._target(Liquify.label, "filter")
        if target is None:
            return
        dialog = LiquifyDialog(self.window, target)
        if dialog.exec():
            op = dialog.operation()
            if not op.is_identity():  # (nothing painted: no step, as Photoshop)
                self._submit(op, target)

    def vanishing_point(self) -> None:
        """Filter > Vanishing Point… (Alt+Ctrl+V): its dialog over a copy of the active
        layer; OK puts the edited picture on the layer as one undo step (inside the
        selection), Cancel leaves nothing. Like Photoshop's, it is no smart filter and not
        the Last Filter (what it paints belongs to the pixels it was painted on)."""
        target = run_on_doc(self.window, f"Could not apply {VanishingPoint.label}",
                            vanishing_point.prepare)
        if target is None:
            return
        dialog = VanishingPointDialog(self.window, target)
        if not dialog.exec():
            return
        op = dialog.operation()
        if op.is_identity():  # (nothing changed: no step, as Photoshop)
            return
        run_on_doc(self.window, f"Could not apply {op.label}", lambda doc: filter_ops.keep(
            doc, filter_ops.show(doc, target, filter_ops.run(target, op))))

    def shadows_highlights(self) -> None:
        """Image > Adjustments > Shadows/Highlights…: its dialog over the active layer."""
        # (the one adjustment Photoshop lets be a smart filter)
        target = self._target(tone.ShadowsHighlights.label, "adjust", smart=True)
        if target is not None:
            ShadowsHighlightsDialog(self.window, target).exec()

    def match_color(self) -> None:
        """Image > Adjustments > Match Color…: its dialog over the active layer."""
        from .match_color_dialog import MatchColorDialog  # (its rows registered with it)

        target = self._target("Match Color", "adjust")
        if target is not None:
            MatchColorDialog(self.window, target).exec()

    def replace_color(self) -> None:
        """Image > Adjustments > Replace Color…: its dialog beside the canvas, the canvas its
        eyedropper."""
        w = self.window
        target = self._target(tone.ReplaceColor.label, "adjust")
        if target is None:
            return
        self.dialog = dialog = ReplaceColorDialog(w, target)
        try:
            dialog.exec_beside_canvas()
        finally:
            self.dialog = None

    def equalize(self) -> None:
        """Image > Adjustments > Equalize: at once without a selection; with one, Photoshop's
        question first (the selected area only, or the whole layer by its histogram)."""
        w = self.window
        target = self._target(tone.Equalize.label, "adjust")
        if target is None:
            return
        mode = "all"
        if target.selection is not None:
            dialog = EqualizeDialog(w)
            if not dialog.exec():
                return
            mode = dialog.mode()
        run_on_doc(w, "Could not apply Equalize",
                   lambda doc: replay.perform(doc, "equalize", mode=mode, target=target))

    def _fade_label(self, c: Context) -> str:
        edit = fade.last_edit(c.doc) if c.doc is not None else None
        return "&Fade…" if edit is None else f"&Fade {edit.name}…"

    def fade(self) -> None:
        """Edit > Fade (Shift+Ctrl+F): the Fade dialog over the last pixel change; OK is one
        more undo step (`editor.model.fade`)."""
        w = self.window
        if w.doc is None or fade.last_edit(w.doc) is None:
            return  # (the key reaches here when the item is greyed)
        prepared = run_on_doc(w, "Could not fade", fade.prepare)
        if prepared is not None:
            FadeDialog(w, *prepared).exec()

    def _last_label(self, c: Context) -> str:
        if self.last is None:
            return "Last &Filter"
        return f"Last &Filter ({self.last.label.replace('&', '&&')})"  # (Dust & Scratches)

    def repeat(self) -> None:
        """Filter > Last Filter (Ctrl+F): the last filter with its settings on the active
        layer, run as a job (progress in the status bar, Esc cancels), one undo step."""
        op = self._fresh(self.last) if self.last is not None else None
        target = self._target(op.label, "filter", getattr(op, "paints", False)) \
            if op is not None else None
        if target is not None:
            self._submit(op, target)

    def _fresh(self, op: pf.Operation) -> pf.Operation:
        """Clouds and Difference Clouds: a new pattern in the colours of the moment, each time
        (as Photoshop's; Last Filter too); the Filter Gallery's Sketch layers in those
        colours. Other filters as they are."""
        again = getattr(op, "again", None)
        if again is None:
            return op
        w = self.window
        return again(w.foreground.getRgb()[:3], w.background.getRgb()[:3],
                     random.randrange(1 << 31))

    def _submit(self, op: pf.Operation, target: filter_ops.Target) -> None:
        """Runs `op` on `target` as a job and records it as one undo step; it becomes the
        Last Filter once applied."""
        w = self.window

        def apply(result) -> None:
            def keep(doc) -> bool:
                filter_ops.keep(doc, filter_ops.show(doc, target, result))
                return True

            if run_on_doc(w, f"Could not apply {op.label}", keep):
                self.last = op

        job = operation_job(op.label, lambda t, progress: filter_ops.run(t, op, progress),
                            target, on_finished=apply)
        w.jobs.submit(job, canvas=w.canvas, failure_title=f"Could not apply {op.label}")

    def one_shot(self, op: pf.Operation) -> None:
        """Invert, Desaturate: applied at once, one undo step."""
        run_on_doc(self.window, f"Could not apply {op.label}",
                   lambda doc: filter_ops.apply(doc, op, doc.active, what="adjust"))
