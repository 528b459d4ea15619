"""Select > Color Range > Skin Tones, with and without Detect Faces: how well the face and
neck skin is found, and how little of a faceless photo is taken.

    python bench/bench_skin_tones.py [--fuzziness 40]

Photos: skimage's astronaut (512x512, scored against `real_objects.ASTRONAUT_SKIN`, a
hand-marked polygon of her face and neck skin; a 3 px band along its outline not scored),
chelsea and coffee (no skin: only the share selected tells). IoU is of the selection at
50 %; "selected" is the share of the picture selected at 50 %. Seconds are wall time of
`range_mask` from the picture (the faces found first when Detect Faces is on), on the
shared 2-core machine.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editor.model import color_range as cr  # noqa: E402
from engine.testing.real_objects import ASTRONAUT_SKIN, iou  # noqa: E402

def measure(image: np.ndarray, detect: bool, fuzziness: float) -> tuple[np.ndarray, float]:
    t = time.perf_counter()
    mask = cr.range_mask(image, cr.ColorRange(select="skin", fuzziness=fuzziness,
                                              detect_faces=detect))
    return mask >= 128, time.perf_counter() - t


def main() -> None:
    import skimage.data

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzziness", type=float, default=40.0)
    args = parser.parse_args()
    for name in ("astronaut", "chelsea", "coffee"):
        rgb = np.ascontiguousarray(getattr(skimage.data, name)()[..., :3])
        faces = cr.FaceSkin.of(rgb).faces  # (the cascade's hits that hold skin)
        for detect in (False, True):
            selected, seconds = measure(rgb, detect, args.fuzziness)
            line = (f"{name:10s} detect={'on ' if detect else 'off'} faces={len(faces)} "
                    f"selected={selected.mean() * 100:5.1f} %")
            if name == "astronaut":
                obj, scored = ASTRONAUT_SKIN.truth(rgb.shape)
                recall = (selected & obj & scored).sum() / max((obj & scored).sum(), 1)
                line += f" IoU={iou(selected, obj, scored):.3f} recall={recall:.3f}"
            print(line + f" {seconds:.2f} s")


if __name__ == "__main__":
    main()
