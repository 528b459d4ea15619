"""The Filter > Distort dialogs' rows and Lens Flare's, with Photoshop's settings and ranges,
and their notes (merged into `filter_dialog.FILTER_ROWS` and `NOTES`; the row formats are
FilterForm's). Clouds and Difference Clouds have no dialog (they run at once, as
Photoshop's); Lens Flare's centre is clicked on its dialog's thumbnail
(`lens_flare_dialog.py`)."""
from __future__ import annotations

from editor.model import distort_filters as df, render_filters as rf

DISTORT_ROWS = {
    df.Displace: [("horizontal", "Horizontal Scale", -999, 999, 0, " %"),
                  ("vertical", "Vertical Scale", -999, 999, 0, " %"),
                  ("choice", "fit", "Displacement Map", df.DISPLACE_FITS,
                   ("Stretch to Fit", "Tile")),
                  ("choice", "undefined", "Undefined Areas", df.WAVE_FILLS,
                   ("Wrap Around", "Repeat Edge Pixels")),
                  ("file", "map", "Map", df.load_map)],
    df.Pinch: [("amount", "Amount", -100, 100, 0, " %")],
    df.PolarCoordinates: [("choice", "mode", "Options", df.POLAR_MODES,
                           ("Rectangular to Polar", "Polar to Rectangular"))],
    df.Ripple: [("amount", "Amount", -999, 999, 0, " %"),
                ("choice", "size", "Size", df.RIPPLE_SIZES, ("Small", "Medium", "Large"))],
    df.Spherize: [("amount", "Amount", -100, 100, 0, " %"),
                  ("choice", "mode", "Mode", df.SPHERIZE_MODES,
                   ("Normal", "Horizontal only", "Vertical only"))],
    df.Twirl: [("angle", "Angle", -999, 999, 0, "°")],
    df.Wave: [("generators", "Number of Generators", 1, 999, 0, ""),
              ("wavelength_min", "Wavelength Min.", 1, 998, 0, ""),
              ("wavelength_max", "Wavelength Max.", 2, 999, 0, ""),
              ("amplitude_min", "Amplitude Min.", 1, 998, 0, ""),
              ("amplitude_max", "Amplitude Max.", 2, 999, 0, ""),
              ("scale_h", "Scale Horiz.", 1, 100, 0, " %"),
              ("scale_v", "Scale Vert.", 1, 100, 0, " %"),
              ("choice", "kind", "Type", df.WAVE_TYPES, ("Sine", "Triangle", "Square")),
              ("choice", "undefined", "Undefined Areas", df.WAVE_FILLS,
               ("Wrap Around", "Repeat Edge Pixels")),
              ("randomize", "seed", "Seed")],
    df.ZigZag: [("amount", "Amount", -100, 100, 0, ""),
                ("ridges", "Ridges", 0, 20, 0, ""),
                ("choice", "style", "Style", df.ZIGZAG_STYLES,
                 ("Around center", "Out from center", "Pond ripples"))],
    rf.LensFlare: [("brightness", "Brightness", 10, 300, 0, " %"),
                   ("choice", "lens", "Lens Type", rf.LENSES,
                    ("50-300mm Zoom", "35mm Prime", "105mm Prime", "Movie Prime"))],
}

DISTORT_NOTES = {
    df.Displace: "Moves each pixel by the map's red (sideways) and green (up and down) "
                 "channels: 128 not at all, lighter to the left and up; 100 % moves up to "
                 "128 px. Choose the map (an image or PSD) to see it.",
    df.Pinch: "Squeezes the ellipse inside the selection's box towards its centre (negative: "
              "swells it); its rim and what lies beyond stay.",
    df.Spherize: "Wraps the ellipse inside the selection's box around a ball (negative: "
                 "around the inside of one).",
    df.Twirl: "Turns the middle of the ellipse most and its rim not at all; positive angles "
              "turn clockwise.",
    df.ZigZag: "Ripples the ellipse inside the selection's box from its centre out.",
    df.PolarCoordinates: "Rectangular to Polar: the top row goes to the centre, the bottom "
                         "row to the rim.",
    df.Wave: "Randomize draws new wavelengths, amplitudes and phases; the same seed always "
             "gives the same wave.",
}
