"""The object mask: which pixels belong to the object the user marked, by GrabCut (OpenCV).

GrabCut models the object and the background as two colour mixtures and cuts
the image along the strongest edges between them. It starts from the user's
box (everything outside is background, inside is probably the object) or
from a brush mask (painted pixels are probably the object, the eroded core
of the paint surely is, a ring around the paint probably is not, and
everything farther away is background).

GrabCut sees the picture in CIE Lab with the lightness axis shrunk
(`lightness_weight`): cast shadows and shading change mostly lightness, not
hue, and with full lightness GrabCut often takes shadowed ground next to an
object for part of it (the matte then covers that ground solidly, and the
shadow step finds nothing left to model). Shrinking lightness makes it
less likely, though a shadow that fills much of a tight box can still be
taken. On the decomposition benchmark (bench/bench_decompose.py, 18 pictures
at 1 MP) a weight of 0.4 took the alpha error in the box from 20.9 to 14.6
(0-255), the error on soft edges from 62.8 to 52.7, and the mask's stray
pixels outside the object down by a quarter (on 6 of them). Objects that
differ from their surroundings only in brightness still separate, on the
lightness that remains.

GrabCut learns the background's colours from a `margin` around the box (a
share of the box's size). From a box, its result is bistable: the colour
models settle on one of a few cuts, and a neighbouring part that shares
colours with the object (a cup's rim, a rocket behind the object, a
shadow) flips in or out with small changes of these settings. With a
margin of 0.2 (background learnt close to the object, where those parts
are) and a lightness weight of 0.25, the alpha error in the box without
correction strokes (bench_decompose.py --strokes, 6 photos) fell from 14.3
to 6.9 at 1 MP and from 12.7 to 7.6 at 2 MP (with the old margin of 0.4 and
weight of 0.4). At 1 MP, margin 0.2 or weight 0.25 alone (10.5, 11.0),
margin 0.8 (14.4), 10 iterations (13.2) and majority votes of 3 or 5 such
runs (9.4, 7.6) all did worse.

On the photos' own objects (bench/bench_mask_real.py, truth drawn by hand)
the damped lightness can fail the other way: pale or dark objects on a pale
or dark ground differ mostly in lightness. A box around scikit-image's
astronaut, reaching the picture's right and bottom edges, took the pale
wall, the shuttle model and the black table beside her (IoU 0.69). So
GrabCut runs twice, at lightness weights 0.25 and 1.0, and the full-lightness
cut replaces the first only when its outline runs along clearly stronger
edges (mean Lab gradient on the outline, lightness at 0.5, higher by 10 %):
the astronaut went to 0.88, the Falcon rocket from 0.91 to 0.95, and the
synthetic bench's masks did not change (there the full-lightness cut took
shadows and ground, and scored at most 4 % higher). The white shuttle
model on the pale wall is not solved: the full-lightness cut is better
(0.90 against 0.73) but its outline only 4 % stronger, no more than
that of the synthetic cuts it must not take.

When neither outline is clearly stronger, the mask is what both cuts take.
The cuts' bistability made the same scene's mask depend on its resolution:
at 4 MP the damped cut took the rocket between the horse's legs and a piece
of the suit beside the pebble, which it left out at 1 MP (bench_decompose.py
--stages full, alpha error in the box 10.9 at 4 MP against 6.8 at 1 MP). A
part only one of the cuts takes is doubtful, and the box is drawn loosely
around the object, so a doubtful part is more often neighbouring ground than
object; correction strokes can add it back. The agreement took the 4 MP
error to 7.5, cost 0.2-0.3 at 1 and 2 MP (7.1, 8.1; a furball's strands lose
a little), left the second photo set's unchanged (27.1, 29.5, 28.8), and on
the real photos above took the Falcon rocket in its looser box from 0.70 to
0.82 (the mean from 0.79 to 0.80).

The two cuts disagree most on pale (or dark) objects on a ground of the same
hue: scikit-image's white shuttle model on the pale wall. Its boosters have
the wall's colour and nearly its lightness (wall L 185-200, booster 200,
a and b equal to a level), so the damped cut leaves them out, the
full-lightness cut takes them, neither outline is clearly stronger (the
booster's edge against the brown tank is as strong as its edge against the
wall), and the agreement left them out (IoU 0.73). What tells them from the
wall is structure, not colour: the model has sharp outlines and shading
steps, the wall is smooth. So a third GrabCut sees the picture as the local
strength of lightness edges and the chromaticity r, g / (r + g + b)
(`structure_chroma`): lightness itself is left out, and chromaticity, unlike
Lab's a and b, stays the same when a shadow darkens r, g and b alike. It
casts the deciding vote where the two lightness cuts disagree (the mask is
what at least two of the three take), unless one lightness cut's outline is
clearly stronger (then that cut, as before). Its own outline is a few pixels
soft (the edge strength is blurred), which is why it only votes, and why it
can run on a smaller crop (STRUCTURE_SCALE) for fewer iterations.

On bench_mask_real.py the shuttle went from 0.73 to 0.90 (the right booster
taken; the left booster's tip above the orbiter still left out); in its
looser box the full-lightness cut's outline is 10 % stronger and replaces the
others, as before (0.72). The other real photos moved by at most 0.002. On
bench_decompose.py's 12 synthetic pictures at 1 MP (mask against alpha > 0.5,
the first and the second photo set) the mean IoU went from 0.860 to 0.862,
at 4 MP from 0.856 to 0.855; no picture lost more than 0.010. The full
decomposition's alpha error in the box (bench_decompose.py --strokes, 1 MP)
went from 7.14 to 6.89 from the box, from 5.94 to 5.58 after the strokes. With Lab's a and b in place of chromaticity
the shuttle also reached 0.89, but the vote took cast shadows on an orange
suit and on a rocket's sky (two synthetic pictures lost 0.028), and the
shuttle fell back to 0.76 with the edge gain at 0.35 or 0.7; with
chromaticity it stayed at 0.90 for gains 0.35 to 0.7 (CHROMA_DARK 15) and
CHROMA_DARK 8 to 30 (gain 0.35), though GrabCut stays bistable: gain 0.5
with CHROMA_DARK 30 gave 0.86, with 60 0.73. Alone,
the structure cut scored 0.91 on the real photos but 0.83 on the synthetic
ones (a smooth shaded pebble has little structure): a voter, not a cut.
The mask costs 1.1-1.3 times as much CPU as with the two cuts alone.

A vote of one in three cannot bring back a part both lightness cuts leave out: in its
looser box the shuttle's boosters (both, 0.72). So a part only the structure cut takes
joins the mask (`_vote_parts`) when it touches it, is at least 1 % of its size, has the
lightness of the ground around it (within 0.85-1.18 of it: where lightness can tell a
part from its ground, the lightness cuts have already judged it) and more lightness
edges inside than that ground (where structure tells it apart). Without the lightness
test a pebble's soft cast shadow on a saucer joined (IoU 0.98 to 0.91); without the
structure test, a strip of smooth sky between a horse's tail and its body (0.973 to
0.957) and a smooth patch beside a horse on tissue (0.942 to 0.927), both among 12 more
synthetic pictures with other seeds (6-11) that were meant as a held-out set and so were
used to set the rule. With both tests (bench_mask_real.py and the masks of
bench_decompose.py's pictures at 1 MP, against alpha > 0.5): the shuttle in its loose box
0.724 to 0.892, as drawn 0.900 to 0.923; the other real photos, boxes and horses, the 12
synthetic pictures of seeds 0-5 and the 12 of seeds 6-11 unchanged, but for the furball
on the cat (0.121 to 0.123, 0.176 to 0.183).

Two more part rules settle what the vote leaves doubtful (`part_rules`). The Falcon
rocket in its looser box lost its nose and took the launch tower's foot beside it (IoU
0.82). The nose is grey under a dark blue sky: the damped cut takes it, the
full-lightness cut leaves it out (at full lightness the mid-grey nose lies nearer the
sky than the white body) and the structure cut takes only its lower half. The damped
cut's usual mistake is ground of the object's hue or its cast shadow; a part it alone
takes whose hue (Lab a, b) stands HUE_APART from the ground around it and which is not
darker than that ground (VOTE_LEVEL, as for the vote's parts) is neither, and joins
(`_hue_parts`): the nose, 17.9 apart and 1.24 times as light as the sky; the parts left
out were 1.6-8.2 apart or a shadow 0.47 as light. The tower's foot is taken by both
lightness cuts (dark lattice and clouds beside the body, coloured like neither the sky
above nor the lit platform below) and reaches the box's sides: GrabCut stopped there
only because the box rules out what lies beyond, not at an edge. A part both lightness
cuts take, the structure cut leaves out and that runs along the ruled-out ground is
dropped (`_held_parts`; a box over the whole picture rules nothing out, and a part that
reaches only the picture's edge is the object running off it). Only a part of at most
HELD_PART of the mask: Select > Subject's finder draws its box through the astronaut's
hair, the structure cut there leaves her whole head out (a fifth of the mask) and
without the bound the rule dropped it (bench_select_subject.py, IoU 0.639 to 0.503); the
foot is 0.06 of the rocket's mask, so bounds from 0.07 to 0.2 give the same masks. On
bench_mask_real.py the loose rocket went from 0.817 to 0.902 (the nose alone 0.856, the
right foot alone 0.861; the left foot, which the structure cut takes too, stays); of the
24 synthetic pictures at 1 MP (seeds 0-11, both photo sets) three gained (a horse's leg
on tissue 0.950 to 0.964 and 0.942 to 0.956, a furball on the motorcycle 0.854 to 0.863,
its part along the box's side dropped) and no other mask moved; HUE_APART from 6 to 15
gives the same masks, and the rules cost no measurable CPU (14.07 against 14.13 CPU s
for the 8 real masks). bench_select_subject.py: the rocket 0.576 to 0.598 (its nose),
the horse on tissue 0.945 to 0.961, the rest unchanged. The alpha error in the box of
the full decomposition (bench_decompose.py --strokes, 1 MP, seeds 0-5 and 6-11, both
photo sets) went from 6.82, 26.87, 8.59, 26.22 to 6.82, 26.70, 8.33, 26.09 (after the
simulated strokes 5.60, 23.47, 6.55, 22.78 to 5.60, 23.46, 6.33, 22.78).

The black helmet on the astronaut's lap (box over the whole picture, IoU 0.82) was left
out: only the full-lightness cut takes it, in one piece with the table and wall it
shares its black with, and judged as that one piece (hue, lightness, edges along the
outline, share of the outline on the mask) it could not be told from the parts that must
stay out; judging halves, thirds or quarters of each side's band on their own (the
helmet crosses only the lower part of the right side) took the astronaut to 0.53-0.61.
Taken apart from the mask the other cuts chose, though, the full-lightness cut's extra
falls in pieces: the helmet's pale rim, which the structure cut and both lightness cuts
take, parts its black from the table's. The helmet's black then has 90 % of its outline
on the mask (suit and rim; its edge on the picture's bottom, where it runs off, not
counted), the table and wall 56 %. A part some lightness cut takes that the mask closes
around so (ENCLOSED of its outline) joins (`_enclosed_parts`): the loose astronaut 0.823
to 0.956. Small parts the mask closes around are more often ground: a strip of sky
between a horse's tail and hind leg (1.5 % of the mask, 90 % of its outline on it) and
one on tissue (87 %) cost those horses 0.016 each, and a strip of flag between the
astronaut and the picture's left edge (1.8 %, 98 %) is 10 % object; the helmet is 14 %
of her mask, so only parts of ENCLOSED_PART (5 %) or more join. The other boxes and
horses of bench_mask_real.py, Select Subject's photos (bench_select_subject.py, whose box
cuts through the helmet) and the masks of bench_decompose.py's 24 pictures at 1 MP (seeds
0-11, both photo sets) did not change.

A box that reaches the picture's edges on every side (a loose box around an
object that fills the picture, or a box over the whole of it) leaves GrabCut
no background to learn, and the mask was the whole box: scikit-image's
astronaut in her box grown by 5 % (IoU 0.54). The background is then learnt
from a band inside the box's sides (`BORDER_BAND`, a tenth of its long
side), as probably background, which GrabCut can give back to the object.
An object often runs off the picture at one side (a person's body off the
bottom edge), and a band there holds the object's colours: with bands on all
four sides the astronaut's cuts took the pale wall and the shuttle model and
scored 0.46-0.71 for bands of 2-20 %. So a side whose band's colours overlap
those of the box's middle by more than half (`crossed_sides`; the
astronaut's bottom 0.65, the other sides 0.34-0.48) keeps no band: 0.82,
the suit to the bottom edge, the black helmet on her lap (the table's
colour) left out until the enclosed parts joined (0.96, above). This is
tuned on that one picture and still bistable in the band's width (5 %:
0.52, 8 %: 0.84, 12 %: 0.87, 15 %: 0.72); boxes with background outside
them (every other case) are cut as before.

GrabCut's time grows faster than the pixel count, so it runs on a crop
around the box scaled to at most `max_side` pixels; the mask it returns is
scaled back up. Its edge is then a few pixels uncertain at full resolution,
which is why the matting step works in an unknown band around it.

Thin parts (a horse's legs) suffer most from the reduced crop: a leg is a
few reduced pixels wide, and where a stretch of it has the ground's colours
(a dark hoof on dark ground, a knee the colour of the fur behind it) the cut
pinches it off, since a narrow neck costs GrabCut more outline than its
colours gain. What lies beyond the pinch was then a separate part, smaller
than a twentieth of the object, and `clean_mask` dropped it as a speck: the
lower leg stayed in the background layer as a ghost. Followed stage by stage
on bench_decompose.py's horse on the Hubble field (1 MP), the cuts took
77 % of the thin parts (truth less its opening by 3 % of the box) and
the speck filter left 55 %; on the horse on chelsea, 57 % and 50 %
(the rest of that horse's legs are lost in the cuts themselves, coloured like
the cat's fur behind them: no later step can tell them apart). A part within NEAR_REDUCED
reduced pixels of a bigger part is therefore kept (`clean_mask`'s `near`;
bench_mask_real.py --horses compares): the horse on hubble went from IoU 0.907 to 0.931 (thin parts 0.55 to 0.77),
on chelsea from 0.862 to 0.872, at 4 MP alike (0.909 to 0.937, 0.859 to
0.868); no other picture of either bench moved by more than 0.001, and the
full decomposition's alpha error in the box fell from 7.8 to 5.9 (hubble)
and 10.6 to 9.9 (chelsea). The gap itself is not bridged (closing it took
the ground between tail and leg); the matting's unknown band, reaching
outside the mask on both sides of it, decides the pinch. Running the cuts at
full resolution did not help the legs by itself (720 reduced pixels instead
of 360: the cuts kept 71 % of the chelsea horse's thin parts, but the speck
filter left 52 %), and a last GrabCut iteration at full resolution
around the mask (models frozen, a band of 4 % of the box) cost 15 % more CPU,
moved other masks by up to 0.06 (the astronaut in her loose box) and kept
few more of the legs (thin parts on hubble 0.55 as before, on chelsea 0.55).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

import cv2
import numpy as np

from ...box import Box
from ...errors import InvalidInput
from ...progress import ProgressFn, no_progress
from .fill import pyramid_fill


# A cut from a later lightness weight replaces the first weight's only when its
# outline's contrast (`outline_contrast`, measured with lightness at this weight)
# is this many times higher (see the module's docstring).
OUTLINE_LIGHTNESS = 0.5
OTHER_CUT_GAIN = 1.1
# Otherwise the cuts' agreement is kept, unless it is under this share of the first cut.
AGREED_SHARE = 0.5
# The structure cut's features (`structure_chroma`): the lightness edges' strength is
# blurred over STRUCTURE_SIGMA pixels and multiplied by STRUCTURE_GAIN (a lightness ramp
# of 1 level per pixel, Sobel magnitude 8, reads as 2.8); chromaticity is r and g over
# r + g + b + CHROMA_DARK (which keeps the noise of near-black pixels down), times 255.
STRUCTURE_SIGMA = 2.0
STRUCTURE_GAIN = 0.35
CHROMA_DARK = 15.0
# The structure cut only votes, so it runs at this share of the crop's size (56 % of the
# pixels) and for STRUCTURE_ITERATIONS: the mask costs about 1.1-1.2 times the two
# lightness cuts alone.
STRUCTURE_SCALE = 0.75
STRUCTURE_ITERATIONS = 3
# A box that leaves less than BORDER_ONLY of the crop outside it (one reaching the
# picture's edges on every side) gives GrabCut no background to learn: a band of
# BORDER_BAND times the box's long side inside each of its sides is then probably
# background, but for the sides whose band's colours overlap those of the box's middle
# by more than BORDER_CROSSED (`crossed_sides`: the object runs off the picture there).
BORDER_ONLY = 0.01
BORDER_BAND = 0.1
BORDER_CROSSED = 0.55
# A part of the cut too small for `clean_mask` is kept when it lies within this many
# pixels of the reduced crop from a bigger part: the cut pinched off a thin limb there
# (see the module's docstring). From 3 to 6 the benches' masks are the same but for the
# horses (3 keeps only the chelsea horse's); at 8 a speck of sky beside the Falcon rocket
# in its loose box was kept (-0.009).
NEAR_REDUCED = 5
# Parts only the structure cut takes (neither lightness cut) join the mask when they touch
# it, are at least VOTE_PART of its size once opened by VOTE_OPEN pixels (its soft
# outline's fringe is no part), have the lightness of the ground around them (within
# VOTE_LEVEL of it either way) and more lightness edges inside than that ground
# (VOTE_STRUCTURE times): see `_vote_parts`.
VOTE_OPEN, VOTE_PART, VOTE_LEVEL, VOTE_STRUCTURE = 2, 0.01, 0.85, 1.0
# Parts only the damped cut takes join when their mean hue (Lab a, b) is this far from the
# ground around them and they are not darker than it (VOTE_LEVEL): see `_hue_parts`.
HUE_APART = 12.0
# Parts held only by the box leave when they are at least VOTE_PART and at most HELD_PART
# of the mask: a larger one is more likely the object cut by a tight box (`_held_parts`).
HELD_PART = 0.1
# Parts a lightness cut takes and the mask leaves out join when at least ENCLOSED of their
# outline (inside the picture) lies on the mask and they are at least ENCLOSED_PART of
# its size: `_enclosed_parts`.
ENCLOSED, ENCLOSED_PART = 0.8, 0.05


class GrabCutSegmenter:
    """Default segmenter: OpenCV GrabCut on a reduced crop around the box or brush mask."""

    name = "grabcut"
    weight = 1

    def __init__(self, iterations: int = 5, max_side: int = 360,
                 lightness_weights: tuple = (0.25, 1.0), margin: float = 0.2,
                 structure_vote: bool = True, keep_near: int = NEAR_REDUCED,
                 vote_adds: bool = True, part_rules: bool = True,
                 enclosed_parts: bool = True):
        self.iterations = iterations
        self.margin = margin
        self.max_side = max_side
        self.lightness_weights = tuple(lightness_weights)
        # A third cut on chroma and edge structure decides where the lightness cuts
        # disagree (see the module's docstring); with one lightness weight there is
        # nothing to decide and it does not run.
        self.structure_vote = structure_vote and len(self.lightness_weights) > 1
        # Parts of the cut this near (reduced pixels) to the object are no specks; 0 drops
        # every small part, as before (bench/bench_mask_real.py --horses compares).
        self.keep_near = keep_near
        # Whole parts only the structure cut takes join the mask (`choose_cut`); False: the
        # vote only decides where the lightness cuts disagree, as before.
        self.vote_adds = vote_adds
        # Parts the damped cut alone takes that differ in hue from their ground join, and
        # parts held only by the box that the structure cut leaves out are dropped
        # (`choose_cut`); False: as before.
        self.part_rules = part_rules
        # Parts a lightness cut takes that the mask closes around join (`choose_cut`, with
        # the part rules); False: as before.
        self.enclosed_parts = enclosed_parts

    def __call__(self, image: np.ndarray, box: Optional[Box], hint: Optional[np.ndarray],
                 valid: np.ndarray, progress: ProgressFn = no_progress) -> np.ndarray:
        """Returns the object mask (H, W) bool.

        `image` is RGB uint8; `box` (image coordinates) bounds the object when given;
        `hint` (bool) is the brush mask painted over the object; `valid` is False where
        the source layer is transparent (never the object).
        """
        h, w = image.shape[:2]
        region = box if box is not None else mask_bounds(hint)
        margin = max(8, int(self.margin * max(region.w, region.h)))
        crop = region.expand(margin).clip(w, h)
        scale = min(1.0, self.max_side / max(crop.w, crop.h))
        size = (max(1, round(crop.w * scale)), max(1, round(crop.h * scale)))
        small = cv2.resize(image[crop.slices()], size, interpolation=cv2.INTER_AREA)
        small_valid = cv2.resize(valid[crop.slices()].astype(np.uint8), size,
                                 interpolation=cv2.INTER_NEAREST) > 0

        if not small_valid.all():
            # Transparent pixels have no colour worth learning: give them the
            # colours of the visible background around them.
            small = _fill_transparent(small, small_valid, box, crop, scale)
        labels = np.full(small.shape[:2], cv2.GC_BGD, np.uint8)
        if hint is not None:
            paint = cv2.resize(hint[crop.slices()].astype(np.uint8), size,
                               interpolation=cv2.INTER_NEAREST) > 0
            r = max(2, int(0.06 * np.sqrt(paint.sum() + 1)))
            ring = dilate(paint, r) & ~paint
            labels[ring] = cv2.GC_PR_BGD
            labels[paint] = cv2.GC_PR_FGD
            labels[erode(paint, r)] = cv2.GC_FGD
            if box is not None:  # the box, when also given, bounds the object
                inside = np.zeros_like(paint)
                inside[scaled_box(box.translate(-crop.x, -crop.y), scale).slices()] = True
                labels[~inside] = cv2.GC_BGD
        else:
            rect = scaled_box(box.translate(-crop.x, -crop.y), scale)
            labels[rect.slices()] = cv2.GC_PR_FGD
        labels[~small_valid] = cv2.GC_BGD
        if hint is None and (labels == cv2.GC_BGD).mean() < BORDER_ONLY:
            fg_small = self._cut_from_border(small, labels, rect, progress, small_valid)
        else:
            fg_small = self._cut(small, labels, progress, small_valid)
        up = cv2.resize(fg_small.astype(np.float32), (crop.w, crop.h), interpolation=cv2.INTER_LINEAR)
        mask = np.zeros((h, w), bool)
        mask[crop.slices()] = up > 0.5
        return clean_mask(mask & valid, near=int(np.ceil(self.keep_near / scale)))

    def _cut_from_border(self, small: np.ndarray, labels: np.ndarray, rect: Box,
                         progress: ProgressFn, valid: np.ndarray) -> np.ndarray:
        """`_cut` for a box with (nearly) nothing outside it: the background is learnt from
        a band inside each side of the box that the object does not cross (`crossed_sides`)."""
        band = max(1, int(BORDER_BAND * max(rect.w, rect.h)))
        rows, cols = rect.slices()
        sides = {"top": (slice(rect.y, rect.y + band), cols),
                 "bottom": (slice(rect.y1 - band, rect.y1), cols),
                 "left": (rows, slice(rect.x, rect.x + band)),
                 "right": (rows, slice(rect.x1 - band, rect.x1))}
        crossed = crossed_sides(small, rect, sides)
        banded = labels.copy()
        for name, part in sides.items():
            if name not in crossed:
                view = banded[part]
                view[view == cv2.GC_PR_FGD] = cv2.GC_PR_BGD
        return self._cut(small, banded, progress, valid)

    def _cut(self, small: np.ndarray, labels: np.ndarray, progress: ProgressFn,
             valid: np.ndarray) -> np.ndarray:
        """GrabCut from `labels` once per lightness weight (and on `structure_chroma` when
        `structure_vote`), the cuts made one by `choose_cut`; `valid` is False where the
        layer is transparent (background, but not ruled out by the box or brush)."""
        maybe_object = (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
        if not (maybe_object.any() and (~maybe_object).any()):
            progress(1, 1)
            return maybe_object
        def cut_with(job: tuple) -> Optional[np.ndarray]:
            features, iterations, voter = job
            cut = labels.copy()
            if features.shape[:2] != labels.shape:
                cut = cv2.resize(cut, features.shape[1::-1], interpolation=cv2.INTER_NEAREST)
                maybe = (cut == cv2.GC_FGD) | (cut == cv2.GC_PR_FGD)
                if not (maybe.any() and (~maybe).any()):
                    return None  # a box too small to survive the smaller crop: no vote
            bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
            cv2.setRNGSeed(0)  # GrabCut seeds its colour models with k-means: same input, same mask
            try:
                cv2.grabCut(features, cut, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)
            except cv2.error:
                if voter:  # the lightness cuts alone still make a mask
                    return None
                raise InvalidInput("The object could not be told apart from its background.",
                                   "Paint over the object instead of drawing a box.") from None
            fg = (cut == cv2.GC_FGD) | (cut == cv2.GC_PR_FGD)
            if fg.shape != labels.shape:
                fg = cv2.resize(fg.astype(np.float32), labels.shape[::-1],
                                interpolation=cv2.INTER_LINEAR) > 0.5
            return fg

        jobs = [(shading_damped(small, w), self.iterations, False) for w in self.lightness_weights]
        if self.structure_vote:
            size = tuple(max(1, round(n * STRUCTURE_SCALE)) for n in small.shape[1::-1])
            jobs.append((cv2.resize(structure_chroma(small), size, interpolation=cv2.INTER_AREA),
                         STRUCTURE_ITERATIONS, True))
        cuts = []
        for i, fg in enumerate(pool_map(cut_with, jobs)):
            cuts.append(fg)
            progress(i + 1, len(jobs))
        if self.structure_vote:
            return choose_cut(small, cuts[:-1], vote=cuts[-1], vote_adds=self.vote_adds,
                              ruled_out=((labels == cv2.GC_BGD) & valid) if self.part_rules
                              else None, enclosed=self.enclosed_parts)
        return choose_cut(small, cuts)


def crossed_sides(rgb: np.ndarray, rect: Box, sides: dict) -> set:
    """The `sides` (name -> the slices of a band inside `rect`'s side) whose colours overlap
    those of `rect`'s middle (half its width and height) by more than BORDER_CROSSED
    (histogram intersection in Lab, 8 bins an axis): there the object most likely runs
    off the picture, as a person's body off its bottom edge."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)

    def histogram(part) -> np.ndarray:
        h = cv2.calcHist([np.ascontiguousarray(lab[part])], [0, 1, 2], None, [8] * 3,
                         [0, 256] * 3).ravel()
        return h / max(h.sum(), 1)

    middle = histogram((slice(rect.y + rect.h // 4, rect.y1 - rect.h // 4),
                        slice(rect.x + rect.w // 4, rect.x1 - rect.w // 4)))
    return {name for name, part in sides.items()
            if np.minimum(histogram(part), middle).sum() > BORDER_CROSSED}


def pool_map(fn, items) -> list:
    """`fn` over `items`, side by side: GrabCut runs on one core and lets go of the GIL."""
    items = list(items)
    if len(items) == 1:
        return [fn(items[0])]
    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1)) as pool:
        return list(pool.map(fn, items))


def choose_cut(rgb: np.ndarray, cuts: list[np.ndarray],
               vote: Optional[np.ndarray] = None, vote_adds: bool = False,
               ruled_out: Optional[np.ndarray] = None, enclosed: bool = True) -> np.ndarray:
    """One mask from GrabCut's cuts of `rgb` at each lightness weight (the first weight's
    first): a later cut whose outline follows the picture's edges clearly better
    (`outline_contrast` higher by OTHER_CUT_GAIN) replaces the others; otherwise the
    pixels every cut takes or, with a `vote` (the structure cut), the pixels most of the
    cuts and the vote take; unless they are under half of the first cut (then the first
    cut). With `vote_adds`, whole parts that only the vote takes are then added
    (`_vote_parts`). With `ruled_out` (the pixels the box or brush made sure background),
    the part rules follow: parts only the first cut takes that differ in hue from their
    ground join (`_hue_parts`), parts held only by `ruled_out` leave (`_held_parts`), and
    with `enclosed` parts a lightness cut takes that the mask closes around join
    (`_enclosed_parts`). See the module's docstring for why."""
    chosen = _chosen_cut(rgb, cuts, vote)
    if vote is not None and vote_adds:
        chosen = chosen | _vote_parts(rgb, chosen, cuts, vote)
    if vote is not None and ruled_out is not None and len(cuts) > 1:
        chosen = chosen | _hue_parts(rgb, chosen, cuts)
        chosen = chosen & ~_held_parts(chosen, cuts, vote, ruled_out)
        if enclosed:
            chosen = chosen | _enclosed_parts(chosen, cuts)
    return chosen


def _parts(mask: np.ndarray, least: int) -> tuple[np.ndarray, np.ndarray]:
    """(labels, ids): the parts of `mask` once opened by VOTE_OPEN (a soft cut's fringe is
    no part), and the ids of those of at least `least` pixels."""
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disk(VOTE_OPEN))
    n, parts, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    return parts, np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= max(1, least)) + 1


def _hue_parts(rgb: np.ndarray, chosen: np.ndarray, cuts: list[np.ndarray]) -> np.ndarray:
    """The parts only the first (damped) cut takes, that touch `chosen`, are at least
    VOTE_PART of it, stand HUE_APART from the ground around them in Lab a, b and are not
    darker than that ground (VOTE_LEVEL).

    The damped cut sees hue more than lightness; its usual mistakes are ground of the
    object's hue and the object's cast shadow (darker than its ground). A part of another
    hue than its ground and no darker is neither: the Falcon rocket's grey nose under the
    dark blue sky, which the full-lightness cut leaves out (see the module's docstring)."""
    extra = cuts[0] & ~np.logical_or.reduce([chosen, *cuts[1:]])
    if not extra.any():
        return extra
    parts, ids = _parts(extra, int(VOTE_PART * chosen.sum()))
    ids = np.intersect1d(ids, parts[dilate(chosen, 1)])
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    taken = chosen | (parts > 0)
    joined = []
    for i in ids:
        part = parts == i
        ground = dilate(part, max(2, int(0.25 * np.sqrt(part.sum())))) & ~taken
        if not ground.any():
            continue
        level = lab[part, 0].mean() / max(1.0, float(lab[ground, 0].mean()))
        hue = np.linalg.norm(lab[part, 1:].mean(0) - lab[ground, 1:].mean(0))
        if level >= VOTE_LEVEL and hue >= HUE_APART:
            joined.append(i)
    # The part as the cut drew it: the opening only told it from the cut's fringe.
    return extra & dilate(np.isin(parts, joined), VOTE_OPEN)


def _enclosed_parts(chosen: np.ndarray, cuts: list[np.ndarray]) -> np.ndarray:
    """The parts some lightness cut takes and `chosen` leaves out, at least ENCLOSED_PART
    of it once opened by VOTE_OPEN, whose outline lies on `chosen` for at least ENCLOSED
    of its length (the picture's edge, where the object may run off, is not counted).

    A large part the mask closes around is part of the object, whatever its colour: the
    black helmet on the astronaut's lap, ringed by her suit and its own pale rim and
    running off the bottom edge, has the black of the table beside her, so GrabCut's
    colour models give it to the background and only the full-lightness cut takes it (in
    one piece with the table, beyond the rim). A small one is more often ground caught
    between the object's parts or between the object and the picture's edge: a strip of
    sky between a horse's tail and its hind leg, a strip of flag beside the astronaut
    (see the module's docstring)."""
    extra = np.logical_or.reduce(cuts) & ~chosen
    if not extra.any():
        return extra
    parts, ids = _parts(extra, int(ENCLOSED_PART * chosen.sum()))
    joined = []
    for i in ids:
        part = parts == i
        # The ring stops at the crop's edge: the picture's edge wherever a cut reaches it
        # (elsewhere the crop's margin is ruled out, and no cut takes it).
        ring = dilate(part, 1) & ~part
        if ring.any() and (ring & chosen).sum() >= ENCLOSED * ring.sum():
            joined.append(i)
    return extra & dilate(np.isin(parts, joined), VOTE_OPEN)


def _held_parts(chosen: np.ndarray, cuts: list[np.ndarray], vote: np.ndarray,
                ruled_out: np.ndarray) -> np.ndarray:
    """The parts of `chosen` that every lightness cut takes and the structure cut does
    not, from VOTE_PART to HELD_PART of it, that run along `ruled_out` (ground the box or
    brush made sure background): GrabCut stopped there because of the box, not at an edge,
    and the object lies inside the box. The Falcon rocket's launch tower's foot in its
    loose box (see the module's docstring). A box over the whole picture rules nothing
    out. A larger part is more likely the object itself cut by a tight box: Select >
    Subject's box through the astronaut's hair, where the structure cut left her whole
    head out (a fifth of the mask)."""
    if not ruled_out.any():
        return np.zeros_like(chosen)
    doubt = chosen & ~vote & np.logical_and.reduce(cuts)
    parts, ids = _parts(doubt, int(VOTE_PART * chosen.sum()))
    ids = ids[np.bincount(parts.ravel())[ids] <= HELD_PART * chosen.sum()]
    held = np.isin(parts, np.intersect1d(ids, parts[dilate(ruled_out, 1)]))
    return doubt & dilate(held, VOTE_OPEN)


def _vote_parts(rgb: np.ndarray, chosen: np.ndarray, cuts: list[np.ndarray],
                vote: np.ndarray) -> np.ndarray:
    """The parts of `vote` that no lightness cut took, that touch `chosen` and are at
    least VOTE_PART of its size once opened by VOTE_OPEN (the structure cut's outline is
    a few pixels soft: its fringe along the whole outline is no part).

    Where an object and its ground share colour and lightness (the white shuttle model's
    boosters on the pale wall) both lightness cuts leave the part out and the vote, one of
    three, cannot bring it back; the structure cut sees its outlines and shading. So a
    part joins only where lightness cannot tell it from its ground (the ground's lightness
    within VOTE_LEVEL) and structure can (more edges inside than in the ground around).
    Without the lightness test the structure cut's take of a pebble's soft cast shadow
    joined (it is darker than its ground); without the structure test, a strip of smooth
    sky between a horse's tail and its body."""
    extra = vote & ~np.logical_or.reduce(cuts)
    if not extra.any():
        return extra
    extra = cv2.morphologyEx(extra.astype(np.uint8), cv2.MORPH_OPEN, disk(VOTE_OPEN))
    n, parts, stats, _ = cv2.connectedComponentsWithStats(extra, connectivity=8)
    touching = np.unique(parts[dilate(chosen, 1) & (parts > 0)])
    touching = touching[stats[touching, cv2.CC_STAT_AREA] >= VOTE_PART * max(1, chosen.sum())]
    lightness = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    edges = cv2.magnitude(cv2.Sobel(lightness, cv2.CV_32F, 1, 0),
                          cv2.Sobel(lightness, cv2.CV_32F, 0, 1))
    taken = chosen | (parts > 0)
    big = []
    for i in touching:
        part = parts == i
        # The ground around the part: a ring a quarter of its size wide, outside the mask.
        ground = dilate(part, max(2, int(0.25 * np.sqrt(part.sum())))) & ~taken
        inner = erode(part, VOTE_OPEN)   # its inside, away from the outlines it touches
        if not (ground.any() and inner.any()):
            continue
        level = lightness[part].mean() / max(1.0, float(lightness[ground].mean()))
        if VOTE_LEVEL <= level <= 1.0 / VOTE_LEVEL and \
                edges[inner].mean() >= VOTE_STRUCTURE * edges[ground].mean():
            big.append(i)
    return np.isin(parts, big)


def _chosen_cut(rgb: np.ndarray, cuts: list[np.ndarray],
                vote: Optional[np.ndarray] = None) -> np.ndarray:
    """`choose_cut` without the vote's own parts."""
    if len(cuts) == 1:
        return cuts[0]
    best, best_score, replaced = cuts[0], outline_contrast(rgb, cuts[0]), False
    for fg in cuts[1:]:
        score = outline_contrast(rgb, fg)
        if score > OTHER_CUT_GAIN * best_score:
            best, best_score, replaced = fg, score, True
    if replaced:
        return best
    if vote is None:
        agreed = np.logical_and.reduce(cuts)
    else:
        votes = np.sum(cuts, axis=0, dtype=np.int32) + vote
        agreed = 2 * votes > len(cuts) + 1
    return agreed if agreed.sum() >= AGREED_SHARE * cuts[0].sum() else cuts[0]


def outline_contrast(rgb: np.ndarray, mask: np.ndarray) -> float:
    """Mean colour gradient (CIE Lab, lightness weighted by OUTLINE_LIGHTNESS) along the
    inner outline of `mask`,
    leaving out the picture's border (a mask cut off by the crop has no edge there)."""
    lab = shading_damped(rgb, OUTLINE_LIGHTNESS).astype(np.float32)
    gx, gy = cv2.Sobel(lab, cv2.CV_32F, 1, 0), cv2.Sobel(lab, cv2.CV_32F, 0, 1)
    outline = mask & ~erode(mask, 1)
    outline[[0, -1], :] = False
    outline[:, [0, -1]] = False
    if not outline.any():
        return 0.0
    return float(np.sqrt((gx[outline] ** 2 + gy[outline] ** 2).sum(-1)).mean())


def shading_damped(rgb: np.ndarray, lightness_weight: float) -> np.ndarray:
    """RGB uint8 -> Lab uint8 with lightness scaled about its middle by `lightness_weight`,
    so that colour distances depend less on shadows and shading."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] = 128.0 + (lab[..., 0] - 128.0) * lightness_weight
    return np.ascontiguousarray(np.clip(np.rint(lab), 0, 255).astype(np.uint8))


def structure_chroma(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 -> uint8 (H, W, 3): the strength of the lightness edges around each pixel
    (Lab lightness's Sobel magnitude blurred by STRUCTURE_SIGMA, times STRUCTURE_GAIN),
    then the chromaticity r and g over r + g + b (+ CHROMA_DARK), times 255.

    Lightness itself is left out, and chromaticity (unlike Lab's a and b) does not change
    when a shadow or shading scales a pixel's r, g and b alike; what stays is hue and
    an object's outlines, shading steps and texture, so a white object on a smooth
    pale wall differs from the wall, and a cast shadow on it does not."""
    lightness = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    edges = cv2.GaussianBlur(cv2.magnitude(cv2.Sobel(lightness, cv2.CV_32F, 1, 0),
                                           cv2.Sobel(lightness, cv2.CV_32F, 0, 1)),
                             (0, 0), STRUCTURE_SIGMA) * STRUCTURE_GAIN
    f = rgb.astype(np.float32)
    total = f.sum(-1) + CHROMA_DARK
    out = np.dstack([edges, 255 * f[..., 0] / total, 255 * f[..., 1] / total])
    return np.ascontiguousarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


def _fill_transparent(small: np.ndarray, valid: np.ndarray, box: Optional[Box], crop: Box,
                      scale: float) -> np.ndarray:
    known = valid.copy()
    if box is not None:
        outside = known.copy()
        outside[scaled_box(box.translate(-crop.x, -crop.y), scale).slices()] = False
        known = outside if outside.any() else known
    if not known.any():
        return small
    filled = pyramid_fill(small.astype(np.float32), known.astype(np.float32))
    return np.where(valid[..., None], small, np.clip(np.rint(filled), 0, 255)).astype(np.uint8)


def clean_mask(mask: np.ndarray, keep: float = 0.05, hole: float = 0.002,
               near: int = 0) -> np.ndarray:
    """Drops specks (parts smaller than `keep` of the largest part) and closes pinholes.

    A small part within `near` pixels of a part that is kept is kept too: a limb that the
    segmenter pinched off, not a speck (see GrabCutSegmenter and NEAR_REDUCED)."""
    if not mask.any():
        return mask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    kept = np.flatnonzero(areas >= keep * areas.max()) + 1
    if near > 0:
        reach = dilate(np.isin(labels, kept), near)
        kept = np.union1d(kept, labels[reach & (labels > 0)])
    mask = np.isin(labels, kept)
    area = int(mask.sum())
    n, labels, stats, _ = cv2.connectedComponentsWithStats((~mask).astype(np.uint8), connectivity=4)
    x, y, bw, bh, a = (stats[1:, i] for i in range(5))
    inner = (x > 0) & (y > 0) & (x + bw < mask.shape[1]) & (y + bh < mask.shape[0])
    pinholes = np.flatnonzero(inner & (a < hole * area)) + 1
    return mask | np.isin(labels, pinholes)


def mask_bounds(mask: np.ndarray) -> Box:
    """The bounding box of the True pixels of a non-empty mask."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return Box.from_corners(int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def scaled_box(box: Box, scale: float) -> Box:
    """`box` in a picture scaled by `scale`, grown to whole pixels (at least one)."""
    return Box.from_corners(int(np.floor(box.x * scale)), int(np.floor(box.y * scale)),
                            max(int(np.floor(box.x * scale)) + 1, int(np.ceil(box.x1 * scale))),
                            max(int(np.floor(box.y * scale)) + 1, int(np.ceil(box.y1 * scale))))


def disk(r: int) -> np.ndarray:
    """A round structuring element of radius `r` (shared by the mask steps and extract)."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def dilate(mask: np.ndarray, r: int) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), disk(r)) > 0


def erode(mask: np.ndarray, r: int) -> np.ndarray:
    return cv2.erode(mask.astype(np.uint8), disk(r), borderType=cv2.BORDER_CONSTANT,
                     borderValue=0) > 0
