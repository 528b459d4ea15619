"""The object mask proposed from a box on real photographs, against hand-drawn truth
(engine.testing.real_objects; bench/bench_mask_real.py gives the full table)."""
import numpy as np

from engine.box import Box
from engine.methods.decompose_steps.segment import (GrabCutSegmenter, choose_cut, outline_contrast,
                                                    structure_chroma)
from engine.testing.real_objects import CASES, iou


def case(name):
    return next(c for c in CASES if c.name == name)


def proposed(name, segmenter=None):
    c = case(name)
    image = c.image()
    return (segmenter or GrabCutSegmenter())(image, c.box, None, np.ones(image.shape[:2], bool))


def proposed_iou(name, segmenter=None):
    c = case(name)
    return iou(proposed(name, segmenter), *c.truth(c.image().shape))


def test_a_box_around_the_astronaut_takes_her_not_the_wall_and_table_beside_her():
    # The box reaches the picture's right and bottom edges, so GrabCut learns the
    # background only from the flag and the wall; with lightness damped to 0.25 alone
    # it took the pale wall, the shuttle model and the black table on the right
    # (IoU 0.69). The full-lightness cut follows her outline and is kept (0.88).
    assert proposed_iou("astronaut", GrabCutSegmenter(lightness_weights=(0.25,))) < 0.75
    assert proposed_iou("astronaut") > 0.80


def test_a_box_around_the_cup_takes_cup_and_saucer():
    assert proposed_iou("coffee cup") > 0.85


def test_the_truth_is_scored_without_its_outline_band_and_parts_of_taste():
    c = case("shuttle model")
    obj, scored = c.truth(c.image().shape)
    assert obj[100, 420] and scored[100, 420]        # the tank, well inside
    assert not scored[250, 410]                      # the stand: a matter of taste
    assert not scored[222, 354] and not scored[222, 351]  # the band at the left wing's tip
    assert scored[222, 345] and not obj[222, 345]    # the wall, clear of the band
    assert iou(obj, obj, scored) == 1.0 and iou(~obj, obj, scored) == 0.0


def test_outline_contrast_is_higher_along_the_objects_edge_than_across_flat_ground():
    rng = np.random.default_rng(0)
    img = np.full((80, 80, 3), 120, np.uint8) + rng.integers(0, 6, (80, 80, 3), dtype=np.uint8)
    img[20:60, 20:60] = (200, 60, 40)
    on_edge = np.zeros((80, 80), bool)
    on_edge[20:60, 20:60] = True
    too_big = np.zeros((80, 80), bool)
    too_big[10:70, 10:70] = True
    assert outline_contrast(img, on_edge) > 5 * outline_contrast(img, too_big)


def test_a_loose_box_around_the_rocket_leaves_out_what_only_one_cut_takes():
    # With the box grown by 5 %, the lightness-damped cut takes sky and tower beside the
    # rocket (IoU 0.70); neither cut's outline is clearly stronger, so the mask is what
    # both cuts take (0.81).
    c = case("falcon rocket")
    image = c.image()
    box = c.box.expand(int(0.05 * max(c.box.w, c.box.h))).clip(image.shape[1], image.shape[0])
    valid = np.ones(image.shape[:2], bool)
    truth = c.truth(image.shape)
    damped = GrabCutSegmenter(lightness_weights=(0.25,))(image, box, None, valid)
    assert iou(damped, *truth) < 0.75
    assert iou(GrabCutSegmenter()(image, box, None, valid), *truth) > 0.78


def test_the_cuts_agreement_is_kept_unless_one_outline_is_clearly_stronger():
    rng = np.random.default_rng(0)
    img = np.full((80, 80, 3), 120, np.uint8) + rng.integers(0, 6, (80, 80, 3), dtype=np.uint8)
    img[20:60, 20:60] = (200, 60, 40)
    obj = np.zeros((80, 80), bool)
    obj[20:60, 20:60] = True
    with_ground = obj.copy()
    with_ground[20:60, 60:70] = True      # a strip of flat ground beside the object
    # Neither is clearly stronger than the first: the pixels both take.
    half = obj.copy()
    half[20:60, 20:30] = False
    assert (choose_cut(img, [obj, half]) == half).all()
    # The second follows the object's edge, the first runs across flat ground: the second.
    assert (choose_cut(img, [with_ground, obj]) == obj).all()
    # Agreement under half of the first cut: the first cut.
    sliver = np.zeros_like(obj)
    sliver[20:60, 20:25] = True
    assert (choose_cut(img, [obj, sliver]) == obj).all()


def test_a_box_around_the_shuttle_model_takes_its_white_booster_off_the_pale_wall():
    # The boosters have the wall's colour and nearly its lightness: the damped cut leaves
    # them out, the full-lightness cut takes them, neither outline is clearly stronger,
    # and the two cuts' agreement left them out (IoU 0.73). The structure cut (chroma and
    # edge strength) takes them and decides.
    c = case("shuttle model")
    truth = c.truth(c.image().shape)
    before = proposed("shuttle model", GrabCutSegmenter(structure_vote=False))
    after = proposed("shuttle model")
    assert iou(before, *truth) < 0.75 and not before[100, 446]
    assert iou(after, *truth) > 0.85
    assert after[100, 446]                    # the right booster
    assert after[100, 420] and not after[100, 470]  # the tank; the wall beside the booster


def test_the_structure_cut_sees_a_pale_objects_outline_not_a_shadow_on_the_wall():
    wall = np.full((60, 120, 3), (200, 190, 180), np.uint8)
    img = wall.copy()
    img[:, 60:] = np.rint(img[:, 60:] * 0.6)          # a cast shadow over the right half
    img[20:40, 20:40] = (225, 225, 225)                 # a white square on the lit wall
    features = structure_chroma(img).astype(int)
    lit, shadow = features[50, 10], features[50, 100]
    # Inside the shadow the chromaticity is the lit wall's (to the damping of dark
    # pixels' noise) and there is no edge.
    assert abs(lit[1] - shadow[1]) <= 2 and abs(lit[2] - shadow[2]) <= 2
    assert lit[0] == 0 and shadow[0] == 0
    # The white square's outline is an edge; its chromaticity differs from the wall's.
    assert features[20, 30, 0] > 10
    assert abs(features[30, 30, 1] - lit[1]) >= 3


def test_where_the_lightness_cuts_disagree_the_structure_cut_decides():
    rng = np.random.default_rng(0)
    img = np.full((80, 80, 3), 120, np.uint8) + rng.integers(0, 6, (80, 80, 3), dtype=np.uint8)
    img[20:60, 20:60] = (200, 60, 40)
    obj = np.zeros((80, 80), bool)
    obj[20:60, 20:60] = True
    half = obj.copy()
    half[20:60, 20:30] = False
    # Neither outline is clearly stronger: two votes of three.
    assert (choose_cut(img, [obj, half], vote=obj) == obj).all()
    assert (choose_cut(img, [obj, half], vote=half) == half).all()
    # A clearly stronger outline still replaces the others, whatever the vote.
    with_ground = obj.copy()
    with_ground[20:60, 60:70] = True
    assert (choose_cut(img, [with_ground, obj], vote=with_ground) == obj).all()


def test_a_loose_box_around_the_shuttle_model_keeps_both_boosters():
    # In a box 5 % looser both lightness cuts leave the white boosters on the pale wall
    # out (the full-lightness cut's outline is 10 % stronger and replaced the others:
    # IoU 0.72); the structure cut takes them, and a part only it takes now joins where
    # it has the ground's lightness and more edges inside than the ground (0.89).
    c = case("shuttle model")
    image = c.image()
    h, w = image.shape[:2]
    box = c.box.expand(int(0.05 * max(c.box.w, c.box.h))).clip(w, h)
    truth = c.truth(image.shape)
    before = GrabCutSegmenter(vote_adds=False)(image, box, None, np.ones((h, w), bool))
    after = GrabCutSegmenter()(image, box, None, np.ones((h, w), bool))
    assert iou(before, *truth) < 0.75 and not before[100, 384] and not before[100, 446]
    assert iou(after, *truth) > 0.85
    assert after[100, 384] and after[100, 446]       # the left and the right booster
    assert not after[100, 470] and not after[100, 360]  # the wall on either side


def test_only_parts_with_the_grounds_lightness_and_more_structure_join_from_the_vote():
    rng = np.random.default_rng(0)
    img = np.full((120, 160, 3), 150, np.uint8) + rng.integers(0, 4, (120, 160, 3), dtype=np.uint8)
    obj = np.zeros((120, 160), bool)
    obj[30:90, 40:100] = True
    img[obj] = (200, 60, 40)
    rows = np.arange(120)[:, None] % 4 < 2
    striped = np.zeros_like(obj)    # the ground's lightness, outlines inside: a pale part
    striped[30:60, 100:125] = True
    img[striped & rows], img[striped & ~rows] = 125, 178
    smooth = np.zeros_like(obj)     # ground the structure cut took along the outline
    smooth[66:90, 100:125] = True
    dark = np.zeros_like(obj)       # darker than the ground: the lightness cuts saw it
    dark[30:60, 15:40] = True
    img[dark & rows], img[dark & ~rows] = 70, 100
    vote = obj | striped | smooth | dark
    joined = choose_cut(img, [obj, obj], vote=vote, vote_adds=True)
    assert joined[striped].mean() > 0.95 and joined[obj].all()
    assert not joined[smooth].any() and not joined[dark].any()
    # Without vote_adds (choose_cut's default) the vote only decides where the cuts differ.
    assert (choose_cut(img, [obj, obj], vote=vote) == obj).all()


def test_a_loose_box_around_the_astronaut_covering_the_whole_picture_still_finds_her():
    # Grown by 5 %, the box covers the whole picture: nothing outside it to learn the
    # background from, and the mask was the whole picture (IoU 0.54). The background is
    # now learnt from bands inside the box's sides, but for the bottom one, whose
    # colours (the suit) are the middle's: she runs off the picture there.
    c = case("astronaut")
    image = c.image()
    h, w = image.shape[:2]
    box = c.box.expand(int(0.05 * max(c.box.w, c.box.h))).clip(w, h)
    assert (box.w, box.h) == (w, h)
    mask = GrabCutSegmenter()(image, box, None, np.ones((h, w), bool))
    assert iou(mask, *c.truth(image.shape)) > 0.75
    assert not mask[30, 350] and not mask[300, 480]     # the pale wall; the black table
    assert mask[250, 150] and mask[500, 100]            # the suit, to the bottom edge


def test_a_box_over_the_whole_picture_takes_the_object_whether_or_not_it_runs_off_an_edge():
    rng = np.random.default_rng(0)
    ground = np.zeros((120, 120, 3), np.uint8)
    ground[:, :60] = (60, 90, 160)
    ground[:, 60:] = (80, 150, 90)
    ground = np.clip(ground + rng.integers(-8, 9, ground.shape), 0, 255).astype(np.uint8)
    whole, valid = Box.from_corners(0, 0, 120, 120), np.ones((120, 120), bool)
    standing = np.zeros((120, 120), bool)
    standing[30:, 40:80] = True           # runs off the bottom edge
    floating = np.zeros((120, 120), bool)
    floating[30:90, 35:85] = True         # clear of every edge
    for obj in (standing, floating):
        img = ground.copy()
        img[obj] = (200, 60, 40)
        mask = GrabCutSegmenter()(img, whole, None, valid)
        assert (mask & obj).sum() / (mask | obj).sum() > 0.95


def loose_box(c, image):
    h, w = image.shape[:2]
    return c.box.expand(int(0.05 * max(c.box.w, c.box.h))).clip(w, h)


def test_a_loose_box_around_the_rocket_keeps_its_nose_and_leaves_the_towers_foot():
    # In the box drawn 5 % looser only the damped cut takes the grey nose under the dark
    # blue sky, and both lightness cuts take the launch tower's foot out to the box's
    # sides (IoU 0.82). A part only the damped cut takes, of another hue than its ground
    # and no darker, now joins; a part the structure cut leaves out that runs along the
    # ground the box rules out is dropped (0.90).
    c = case("falcon rocket")
    image = c.image()
    h, w = image.shape[:2]
    box, valid = loose_box(c, image), np.ones((h, w), bool)
    truth = c.truth(image.shape)
    before = GrabCutSegmenter(part_rules=False)(image, box, None, valid)
    after = GrabCutSegmenter()(image, box, None, valid)
    nose = truth[0] & (np.arange(h)[:, None] < 145)
    assert iou(before, *truth) < 0.85 and before[nose].mean() < 0.5
    assert iou(after, *truth) > 0.88 and after[nose].mean() > 0.9
    assert before[390, 350] and not after[390, 350]     # the tower's foot at the box's side
    assert after[300, 322]                               # the body


def scene_with_nose(ground, nose_colour):
    """A white body under a part of `nose_colour` on `ground`, the cuts as on the loose
    rocket: the damped cut takes body and nose, the full-lightness and structure cuts the
    body; the box rules out a 6-pixel frame."""
    rng = np.random.default_rng(0)
    img = np.full((100, 80, 3), ground, np.uint8) + rng.integers(0, 4, (100, 80, 3), dtype=np.uint8)
    body = np.zeros((100, 80), bool)
    body[35:85, 30:50] = True
    nose = np.zeros_like(body)
    nose[20:35, 32:48] = True
    img[body] = (235, 232, 225)
    img[nose] = nose_colour
    ruled_out = np.ones_like(body)
    ruled_out[6:-6, 6:-6] = False
    return img, body, nose, ruled_out


def test_a_part_only_the_damped_cut_takes_joins_when_its_hue_stands_from_its_ground():
    # A grey nose under a dark blue sky: other hue, lighter than the sky.
    img, body, nose, ruled_out = scene_with_nose((60, 50, 25), (140, 140, 140))
    cuts = [body | nose, body]
    assert (choose_cut(img, cuts, vote=body, vote_adds=True) == body).all()   # as before
    assert (choose_cut(img, cuts, vote=body, vote_adds=True, ruled_out=ruled_out)
            == body | nose).all()
    # Ground of the sky's own hue (the damped cut's usual mistake) stays out...
    img, body, nose, ruled_out = scene_with_nose((60, 50, 25), (75, 62, 32))
    assert (choose_cut(img, cuts, vote=body, vote_adds=True, ruled_out=ruled_out) == body).all()
    # ...and so does a part of another hue that is darker than its ground (a shadow).
    img, body, nose, ruled_out = scene_with_nose((200, 200, 200), (90, 60, 40))
    assert (choose_cut(img, cuts, vote=body, vote_adds=True, ruled_out=ruled_out) == body).all()


def test_a_part_the_lightness_cuts_carry_to_the_box_side_is_dropped_unless_the_vote_takes_it():
    rng = np.random.default_rng(0)
    img = np.full((100, 100, 3), 120, np.uint8) + rng.integers(0, 6, (100, 100, 3), dtype=np.uint8)
    obj = np.zeros((100, 100), bool)
    obj[20:80, 35:65] = True
    img[obj] = (220, 220, 210)
    ruled_out = np.ones_like(obj)
    ruled_out[10:90, 10:90] = False        # the box
    foot = np.zeros_like(obj)
    foot[72:79, 10:35] = True              # from the object out to the box's left side
    cut = obj | foot
    dropped = choose_cut(img, [cut, cut], vote=obj, vote_adds=True, ruled_out=ruled_out)
    assert (dropped == obj).all()
    # Short of the box's side, or taken by the structure cut too, the part stays.
    short = obj.copy()
    short[72:79, 20:35] = True
    assert (choose_cut(img, [short, short], vote=obj, vote_adds=True, ruled_out=ruled_out)
            == short).all()
    assert (choose_cut(img, [cut, cut], vote=cut, vote_adds=True, ruled_out=ruled_out)
            == cut).all()
    # A box over the whole picture rules nothing out: the picture's edge holds nothing.
    none = np.zeros_like(obj)
    assert (choose_cut(img, [cut, cut], vote=obj, vote_adds=True, ruled_out=none) == cut).all()
    # A part over a tenth of the mask stays: more likely the object cut by a tight box.
    head = obj.copy()
    head[10:20, 35:65] = True              # 300 pixels beside 1800, up to the box's top
    assert (choose_cut(img, [head, head], vote=obj, vote_adds=True, ruled_out=ruled_out)
            == head).all()


def test_a_tight_box_through_the_astronauts_hair_keeps_her_head():
    # Select > Subject's finder draws its box through her hair (here at 512 pixels, as at
    # 1200); the structure cut leaves her whole head out, both lightness cuts take it and
    # it reaches the box's top: dropped as held by the box, the mask lost it (IoU 0.49).
    # A fifth of the mask is no foot of a tower: it stays.
    c = case("astronaut")
    image = c.image()
    valid = np.ones(image.shape[:2], bool)
    box = Box(20, 22, 365, 490)
    truth = c.truth(image.shape)
    mask = GrabCutSegmenter()(image, box, None, valid)
    assert mask[60, 230] and mask[130, 220]              # the hair; the face
    assert iou(mask, *truth) >= iou(GrabCutSegmenter(part_rules=False)(image, box, None, valid),
                                    *truth) - 0.005


def test_a_box_over_the_whole_astronaut_picture_takes_the_black_helmet_on_her_lap():
    # Only the full-lightness cut takes the helmet, in one piece with the black table
    # beside it; the mask took its pale rim but not its black (IoU 0.82). Ringed by the
    # suit and the rim, and running off the bottom edge, the black part now joins (0.94);
    # the table beyond the rim, open to the wall and the picture's right edge, stays out.
    c = case("astronaut")
    image = c.image()
    box, valid = loose_box(c, image), np.ones(image.shape[:2], bool)
    assert box == Box(0, 0, 512, 512)
    truth = c.truth(image.shape)
    before = GrabCutSegmenter(enclosed_parts=False)(image, box, None, valid)
    after = GrabCutSegmenter()(image, box, None, valid)
    helmet = (434, 398), (400, 420)                      # its black, (row, column)
    assert not any(before[p] for p in helmet) and all(after[p] for p in helmet)
    assert not after[299, 469] and not after[250, 480]    # the black table; the wall
    assert iou(before, *truth) < 0.85 and iou(after, *truth) > 0.92


def ringed_scene():
    """A pale ring around a black inside on black ground, running off the bottom edge, a
    black strip of ground along its right side: the cuts as on the astronaut's helmet
    (the damped cut and the vote take the ring, the full-lightness cut ring, inside and
    strip)."""
    rng = np.random.default_rng(0)
    img = np.full((100, 100, 3), 20, np.uint8) + rng.integers(0, 6, (100, 100, 3), dtype=np.uint8)
    ring = np.zeros((100, 100), bool)
    ring[30:, 25:75] = True
    inside = np.zeros_like(ring)
    inside[38:, 33:67] = True
    ring &= ~inside
    strip = np.zeros_like(ring)
    strip[40:90, 75:95] = True
    img[ring] = (220, 210, 200)
    return img, ring, inside, strip


def test_a_part_a_cut_takes_that_the_mask_closes_around_joins_it():
    img, ring, inside, strip = ringed_scene()
    cuts = [ring, ring | inside | strip]
    none = np.zeros_like(ring)                           # a box over the whole picture
    mask = choose_cut(img, cuts, vote=ring, vote_adds=True, ruled_out=none)
    assert (mask == ring | inside).all()      # the strip, bordered on one side, stays out
    assert (choose_cut(img, cuts, vote=ring, vote_adds=True, ruled_out=none, enclosed=False)
            == ring).all()
