"""The New Layered Image operation: a picture painted from a prompt, opened split into layers.

The same three parts as every engine operation in editor/model (see
docs/adding_a_method.md), for File > New Layered Image from Prompt and the
`layered` verb alike:

1. the request (`engine.methods.layered.LayeredRequest`: prompt, size, seed,
   model, and the decomposition's step choices) — there is no document yet;
2. `run(request, progress)` on a worker thread: the engine paints the
   picture and decomposes it around the object (given or found);
3. `apply(result)`: a new document holding the picture as a layer, then the
   decomposition applied to it as a second undo step (`decompose_apply`).

`layered_image` runs the two in a row. No Qt here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.progress import ProgressFn, no_progress

from .decompose_apply import apply_decomposition
from .document import Document

if TYPE_CHECKING:  # the engine's layered method loads OpenCV (~1 s): only when it runs
    from engine.methods.layered import LayeredRequest, LayeredResult


def run(request: "LayeredRequest", progress: ProgressFn = no_progress) -> "LayeredResult":
    """Paints the picture and decomposes it (worker thread)."""
    from engine.methods.layered import generate_layered

    return generate_layered(request, progress)


def apply(result: "LayeredResult", alpha_as_mask: bool = False) -> Document:
    """A new document from a generated layered image: the picture as a layer, then split.

    Two undo steps: undoing the split gives back the generated picture as one
    layer, ready to be decomposed around another object. A picture that could
    not be split (`result.note`) is the document's only layer. With `alpha_as_mask`
    the objects' mattes are layer masks (see `decompose_apply`).
    """
    picture = result.picture
    height, width = picture.shape[:2]
    doc = Document(width, height)
    rgba = np.dstack([picture, np.full((height, width), 255, np.uint8)])
    layer = doc.add_image(rgba, "Background", 0, 0, recipe=dict(result.recipe),
                          history_name="Generate Picture")
    if result.decomposition is not None:
        apply_decomposition(doc, layer, result.decomposition, alpha_as_mask=alpha_as_mask)
    return doc


def layered_image(request: "LayeredRequest", progress: ProgressFn = no_progress,
                  alpha_as_mask: bool = False) -> tuple[Document, "LayeredResult"]:
    """Runs and applies: the new document and the engine's result (figures, note)."""
    result = run(request, progress)
    return apply(result, alpha_as_mask), result
