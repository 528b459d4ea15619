"""Edit > Puppet Warp's model (editor/model/puppet.py) on a 2000x1500 photo-sized layer (an
opaque ellipse): per density, the mesh, the factorisation when a pin is added, the solve per
drag step, the preview's inverse map at 1024 px (what a drag redraws) and the commit's
resampling. Prints medians in ms.

    python bench/bench_puppet.py [--size 2000x1500] [--runs 5]

The window's whole drag step (solve, preview bend, repaint with the mesh) was measured
under Xvfb at about 35-50 ms. The machine is shared; figures vary with its load.
"""
from __future__ import annotations

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from timing import median_ms, opaque_noise, size_and_runs  # noqa: E402


def main() -> None:
    from editor.model import puppet

    w, h, runs = size_and_runs(__doc__.splitlines()[0])
    pixels = opaque_noise(w, h)
    yy, xx = np.mgrid[0:h, 0:w]
    pixels[..., 3] = np.where(((xx - w / 2) / (0.48 * w)) ** 2
                              + ((yy - h / 2) / (0.47 * h)) ** 2 < 1, 255, 0)
    anchors = np.array([[0.2 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.8 * w, 0.5 * h]])
    targets = anchors + [(0, 0), (0, 0), (0, 0.15 * h)]
    r = 1024 / max(w, h)
    print(f"{w}x{h} layer, median of {runs} runs (ms)")
    for density in puppet.DENSITIES:
        mesh = puppet.build_mesh(pixels[..., 3], 0, 0, density, 2)
        build = median_ms(lambda: puppet.build_mesh(pixels[..., 3], 0, 0, density, 2), runs)
        factor = median_ms(lambda: puppet.Deformer(mesh, anchors, "Normal"), runs)
        deformer = puppet.Deformer(mesh, anchors, "Normal")
        solve = median_ms(lambda: deformer.solve(targets), runs)
        bent = deformer.solve(targets)
        small = puppet.Mesh(mesh.points * r, mesh.triangles)
        preview = median_ms(lambda: puppet.inverse_map(small, bent * r, (0, 0)), runs)
        commit = median_ms(lambda: puppet.warp_pixels(pixels, (0, 0), mesh, bent), runs)
        print(f"  {density:13s} {len(mesh.points):5d} vertices {len(mesh.triangles):5d} triangles"
              f"  mesh {build:6.0f}  factor {factor:6.1f}  solve {solve:5.1f}"
              f"  preview map {preview:5.1f}  commit {commit:6.0f}")


if __name__ == "__main__":
    main()
