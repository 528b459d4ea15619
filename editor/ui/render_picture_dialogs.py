"""Filter > Render > Flame…, Picture Frame… and Tree… (`editor.model.render_pictures`): their
places at the top of the Render submenu, as Photoshop's menu has them, and their dialog
rows (Photoshop's names) and notes, which join `filter_dialog`'s tables when this module
loads. The dialogs are `FilterDialog`s (a live preview on the canvas; OK one undo step);
`filter_commands.filter` gives each operation the document's canvas and path first
(`for_document`: Flame without a path is refused in one line).
"""
from __future__ import annotations

from editor.model import render_pictures as rp

from .extra_filter_dialogs import with_extra_items
from .filter_dialog import FILTER_ROWS, NOTES

ORDER = {"filter_render": ("flame", "picture_frame", "tree", "clouds", "difference_clouds",
                           "fibers", "lens_flare", "lighting_effects")}
MENU_ITEMS = {"flame": "Fl&ame…", "picture_frame": "&Picture Frame…", "tree": "T&ree…"}


def with_render_picture_items(menus: tuple) -> tuple:
    """`filter_commands.FILTER_MENUS` with Flame, Picture Frame and Tree first in Render."""
    return with_extra_items(menus, ORDER, MENU_ITEMS)


FILTER_ROWS.update({
    rp.Flame: [
        ("combo", "flame_type", "Flame Type", rp.FLAME_TYPES,
         ("One flame along path", "Multiple flames along path",
          "Multiple flames path directed", "Multiple flames various length",
          "One flame with angle", "Multiple flames with angle")),
        ("length", "Length", 1, 1000, 0, " px"),
        ("width", "Width", 1, 500, 0, " px"),
        ("angle", "Angle", -180, 180, 0, "°"),
        ("interval", "Interval", 1, 500, 0, " px"),
        ("check", "custom_colour", "Use Custom Color for Flames"),
        ("colour", "colour", "Color"),
        ("turbulent", "Turbulent", 0, 100, 0, ""),
        ("jag", "Jag", 0, 100, 0, ""),
        ("opacity", "Opacity", 1, 100, 0, " %"),
        ("lines", "Flame Lines (Complexity)", 1, 10, 0, ""),
        ("choice", "style", "Flame Style", rp.FLAME_STYLES, ("Normal", "Violent", "Flat")),
        ("combo", "shape", "Flame Shape", rp.FLAME_SHAPES,
         ("Parallel", "To the center", "Spread out", "Oval", "Pointed")),
        ("choice", "quality", "Quality", ("draft", "low", "medium", "high", "fine"),
         ("Draft", "Low", "Medium", "High", "Fine")),
        ("bottom_alignment", "Flame Bottom Alignment", 0, 100, 0, ""),
        ("check", "randomize_shapes", "Randomize Shapes"),
        ("randomize", "seed", "Arrangement")],
    rp.PictureFrame: [
        ("combo", "frame_kind", "Frame", rp.FRAMES,
         ("Simple", "Stripes", "Waves", "Ribbon", "Vines")),
        ("margin", "Margin", 0, 500, 0, " px"),
        ("size", "Size", 1, 500, 0, " px"),
        ("arrangement", "Arrangement", 0, 100, 0, ""),
        ("colour", "colour", "Color"),
        ("colour", "second_colour", "Second Color"),
        ("randomize", "seed", "Seed")],
    rp.Tree: [
        ("combo", "tree", "Base Tree Type", rp.TREES,
         ("Oak", "Maple", "Pine", "Palm", "Cherry Blossom")),
        ("leaves_amount", "Leaves Amount", 0, 100, 0, ""),
        ("leaves_size", "Leaves Size", 0, 200, 0, " %"),
        ("branches_height", "Branches Height", 50, 300, 0, " %"),
        ("branches_thickness", "Branches Thickness", 50, 300, 0, " %"),
        ("check", "default_leaves", "Default Leaves"),
        ("randomize", "seed", "Arrangement")],
})
NOTES.update({
    rp.Flame: "Flames along the chosen path (or the Work Path). Quality, Flame Bottom "
              "Alignment and Randomize Shapes are kept but do not change the drawing.",
    rp.PictureFrame: "A frame drawn round the canvas, Margin in from its edge; best on a new "
                     "empty layer.",
    rp.Tree: "A tree at the bottom centre, or trees along the chosen path; best on a new "
             "empty layer. The same Arrangement always gives the same tree.",
})
