"""Select > Subject: the picture's main subject becomes a soft selection (Photoshop's Select
Subject, also the "Select Subject" button of the Object and Quick Selection tools).

Nothing new is invented here: the subject is what Layer > Decompose splits off when
nothing is marked. In three parts, as every engine operation in editor/model:

1. `prepare(doc, layer, choices)` on the GUI thread: the picture to look at - `layer`'s
   pixels on the canvas, or what the canvas shows when `layer` is None (Sample All
   Layers) - copied for the worker; an empty document or layer is refused here, in one
   line;
2. `run(prepared, progress)` on the worker: the main object's box
   (`engine.methods.decompose_steps.salient.find_main_object`, the finder New Layered
   Image and Decompose use), then the decomposition's own steps 1-2 inside it
   (`DecomposePipeline.object_alpha`: GrabCut or SAM for the mask, closed-form matting or
   ViTMatte for the soft edge, as Decompose Options chose), as a canvas-sized uint8 mask;
3. `apply(doc, mask, op)` on the GUI thread: the selection, replaced or added to
   (`selection_ops.select_mask`), one undo step "Select Subject".

No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.errors import InvalidInput
from engine.progress import ProgressFn, no_progress

from .decompose_apply import StepChoices
from .document import Document
from .errors import DocumentError
from .layers import Layer, Node
from .selection_ops import _sampled, select_mask

if TYPE_CHECKING:
    from engine.methods.decompose import DecomposePipeline

NAME = "Select Subject"   # the History step and the job's name


@dataclass
class SubjectInput:
    picture: np.ndarray        # (H, W, 4) uint8, canvas-sized: the worker's own copy
    choices: StepChoices
    source: str                # what was looked at, for the status line
    pipeline: Optional["DecomposePipeline"] = None   # tests hand in their own


def prepare(doc: Document, layer: Optional[Node] = None,
            choices: Optional[StepChoices] = None) -> SubjectInput:
    """The picture Select Subject looks at: `layer`'s pixels, or with None (or a group) what
    the canvas shows. DocumentError when there is nothing to look at."""
    if not isinstance(layer, Layer):
        layer = None   # a group, an adjustment: what the canvas shows
    if not any(isinstance(n, Layer) and not n.is_empty() for n in doc.layers()):
        raise DocumentError("The document is empty: there is no subject to select.")
    picture = _sampled(doc, layer).copy()
    if not picture[..., 3].any():
        where = f"Layer '{layer.name}' shows nothing on the canvas" if layer is not None \
            else "The canvas shows nothing"
        raise DocumentError(f"{where}: there is no subject to select.")
    source = f"layer '{layer.name}'" if layer is not None else "all layers"
    return SubjectInput(picture, choices or StepChoices.classical(), source)


def run(prepared: SubjectInput, progress: ProgressFn = no_progress) -> np.ndarray:
    """The subject's soft mask over the canvas (uint8, 255 = surely subject). Worker thread."""
    from engine.methods.decompose import DecomposeRequest
    from engine.methods.decompose_steps.salient import find_main_object

    picture = prepared.picture
    progress(0, 1)
    try:
        # The finder reads colours: transparent pixels count as white paper (as the
        # transparency checkerboard would mislead it with its own edges).
        a = picture[..., 3:4].astype(np.float32) / 255.0
        flat = (picture[..., :3] * a + 255.0 * (1.0 - a)).astype(np.uint8)
        box = find_main_object(flat)
        pipeline = prepared.pipeline or prepared.choices.pipeline()
        alpha = pipeline.object_alpha(DecomposeRequest(picture, box=box, shadow=False),
                                      progress)
    except InvalidInput:
        raise DocumentError("No subject could be told apart from its background. Select it "
                            "with the Object Selection tool (a box around it) or the Quick "
                            "Selection tool.") from None
    return np.round(np.clip(alpha, 0.0, 1.0) * 255.0).astype(np.uint8)


def apply(doc: Document, mask: np.ndarray, op: str = "replace") -> None:
    """The subject's mask as the selection (`op`: replace or add), one undo step."""
    if mask.shape != (doc.height, doc.width):
        raise DocumentError("The canvas changed size while the subject was being found: "
                            "run Select > Subject again.")
    select_mask(doc, mask, op, NAME)
