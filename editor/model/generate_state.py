"""One document's generation: the Generate panel's inputs, the candidates and the chosen one.

The Generate panel binds to the `GenerationState` of the document in front
(as krita-ai-diffusion's per-document model does): its fields read and write
`state.spec`, and a generation goes

    request = state.prepare(box)          # GUI thread: checks, background, placement
    generation = generate(request, ...)   # worker thread (generate_apply.generate)
    state.receive(request, generation)    # GUI thread: the candidates wait here
    state.select(1); state.apply()        # the chosen one becomes a layer (one undo step)

so the whole round is testable without Qt, and each document keeps its own
prompt, settings and candidates. Nothing here changes the document except
`apply`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Optional

from engine.box import Box
from engine.methods.registry import GenerateSpec

from .document import Document
from .generate_apply import (GeneratedCandidate, Generation, GenerationInput, Placement,
                             apply_candidate, prepare)
from .layers import Layer

MAX_SEED = 2 ** 31 - 1


@dataclass
class Candidates:
    """Finished candidates waiting to be applied or discarded."""

    placement: Placement
    generation: Generation
    index: int = 0
    show_composite: bool = False  # BFS: show the composite branch's picture instead

    @property
    def candidate(self) -> GeneratedCandidate:
        return self.generation.candidates[self.index]

    @property
    def count(self) -> int:
        return len(self.generation.candidates)


class GenerationState:
    """The generation inputs and results of one document."""

    def __init__(self, doc: Document, spec: Optional[GenerateSpec] = None,
                 random_seed: bool = False):
        self.doc = doc
        self.spec = spec or GenerateSpec()   # what the fields say (the prompt included)
        self.random_seed = random_seed       # a new seed for every generation
        self.request: Optional[GenerationInput] = None  # the latest generation's input
        self.pending: Optional[Candidates] = None

    # -- generating ---------------------------------------------------------------------------------
    def roll_seed(self, rng: Optional[random.Random] = None) -> int:
        self.spec.seed = (rng or random).randint(0, MAX_SEED)
        return self.spec.seed

    def prepare(self, box: Optional[Box] = None, **engine) -> GenerationInput:
        """The request for the document's selection box (or `box`): a new seed first when
        `random_seed`; `engine` overrides fields for this request only (device, dtype,
        cpu_offload, or a field the method does not use). Raises InvalidInput
        (or DocumentError) with what is wrong; the candidates waiting stay."""
        if self.random_seed:
            self.roll_seed()
        spec = replace(self.spec, **{"prompt": self.spec.prompt.strip(),
                                     "negative_prompt": self.spec.negative_prompt.strip(),
                                     **engine})
        self.request = prepare(self.doc, spec, box)
        return self.request

    def receive(self, request: GenerationInput, generation: Generation) -> Candidates:
        """Candidates of `request` arrived: they wait, the first one chosen."""
        self.pending = Candidates(request.placement, generation)
        return self.pending

    # -- choosing ------------------------------------------------------------------------------------
    @property
    def candidate(self) -> Optional[GeneratedCandidate]:
        return self.pending.candidate if self.pending is not None else None

    def select(self, index: int) -> None:
        if self.pending is not None:
            self.pending.index = max(0, min(index, self.pending.count - 1))

    def step(self, delta: int) -> None:
        if self.pending is not None:
            self.select(self.pending.index + delta)

    # -- applying -------------------------------------------------------------------------------------
    def apply(self, alpha_as_mask: bool = False) -> Optional[Layer]:
        """The chosen candidate as a new layer (one undo step; with `alpha_as_mask` its alpha
        is a layer mask); the candidates go. None when there are none; DocumentError
        (candidates kept) when the chosen one is empty."""
        if self.pending is None:
            return None
        layer = apply_candidate(self.doc, self.pending.placement, self.pending.candidate,
                                alpha_as_mask=alpha_as_mask)
        self.pending = None
        return layer

    def discard(self) -> None:
        self.pending = None
