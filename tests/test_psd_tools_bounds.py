"""psd-tools is pinned to the releases whose round trip was tested (pyproject.toml).

The PSD round trip lives in test_files_psd.py and test_files_stress.py. To test it
against another psd-tools release without touching the project's environment:

    pip download --no-deps psd-tools==1.12.0 -d /tmp/psd-dl
    pip install --no-deps --target /tmp/psd-old /tmp/psd-dl/psd_tools-1.12.0-*.whl
    PYTHONPATH=/tmp/psd-old python -m pytest -q tests/test_files_stress.py \\
        tests/test_files_psd.py -k "not other_programs and not deep_and_non_rgb"

(the two tests left out build other programs' files with psd-tools APIs newer
than 1.12: create_mask, 16/32-bit documents). A new psd-tools release is
allowed by widening the bound after that run passes.
"""
from __future__ import annotations

import os
import re

import psd_tools

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_installed_psd_tools_is_within_the_tested_bounds():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        spec = re.search(r'"psd-tools>=([\d.]+),<([\d.]+)"', f.read())
    assert spec, "pyproject.toml bounds psd-tools on both sides"
    low, high = version_tuple(spec[1]), version_tuple(spec[2])
    installed = version_tuple(psd_tools.__version__)
    assert low <= installed < high, (psd_tools.__version__, spec[0])
