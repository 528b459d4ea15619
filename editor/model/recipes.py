"""Recipes: what a generated layer stores to say how it was made (method, model, prompt, ...).

The engine writes a recipe in the coordinates of the picture it was given (a
context window, a layer's own pixels); the document keeps it in canvas
coordinates. `offset_recipe` is the one place that moves its boxes.
"""
from __future__ import annotations

BOX_KEYS = ("box", "region", "window")  # the recipe entries that are [x, y, w, h] boxes


def offset_recipe(recipe: dict, dx: int, dy: int) -> dict:
    """A copy of `recipe` with its boxes moved by (dx, dy)."""
    out = dict(recipe)
    for key in BOX_KEYS:
        if out.get(key) is not None:
            x, y, w, h = out[key]
            out[key] = [x + dx, y + dy, w, h]
    return out
