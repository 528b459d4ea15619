"""Big pixel buffers whose memory is mapped in before they are drawn into.

A fresh numpy buffer of a 4000x3000 canvas (48 MB) is mapped page by page as it is first
written: on the 2-core VM this project runs on (no transparent huge pages, costly page
faults), zeroing one took 40-200 ms, often more than drawing into it. Asking the kernel
for the pages up front (`MAP_POPULATE`) took 18-25 ms (bench: a new Renderer's first
update of the 20-layer photo document). Small buffers, and systems without
`MAP_POPULATE`, take numpy's ordinary allocation.
"""
from __future__ import annotations

import mmap

import numpy as np

_MIN_BYTES = 4 << 20  # below this the faults cost little and a mapping costs its own setup
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)


def zeros(shape: tuple[int, ...], dtype) -> np.ndarray:
    """A zeroed array of `shape`, its memory mapped in already when it is big."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    if size < _MIN_BYTES or not _POPULATE:
        return np.zeros(shape, dtype)
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _POPULATE)
    except OSError:  # no room for it mapped in at once: numpy's way, page by page
        return np.zeros(shape, dtype)
    # The array keeps the mapping alive; it is unmapped when the array is freed.
    return np.frombuffer(memory, dtype).reshape(shape)


def empty_like(array: np.ndarray) -> np.ndarray:
    """`zeros` of `array`'s shape and type (what is written into it is all that counts)."""
    return zeros(array.shape, array.dtype)
