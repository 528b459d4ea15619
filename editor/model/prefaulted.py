"""Big pixel buffers whose memory is mapped in before they are drawn into.

A fresh numpy buffer of a 4000x3000 canvas (48 MB) is mapped page by page as it is first
written: on the 2-core VM this project runs on (no transparent huge pages, costly page
faults), zeroing one took 40-200 ms, often more than drawing into it. Asking the kernel
for the pages up front (`MAP_POPULATE`) took 18-25 ms (bench: a new Renderer's first
update of the 20-layer photo document). Small buffers, and systems without
`MAP_POPULATE`, take numpy's ordinary allocation. `zeros_in_steps` maps the same memory in
a piece at a time, for work done between the events of an idle editor.
"""
from __future__ import annotations

import mmap
from typing import Iterator

import numpy as np

_MIN_BYTES = 4 << 20  # below this the faults cost little and a mapping costs its own setup
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)
# madvise(MADV_POPULATE_WRITE) (Linux 5.14+; Python names no constant for it): maps in a
# range of an existing mapping, as MAP_POPULATE does for all of it at once.
_MADV_POPULATE_WRITE = 23
STEP_BYTES = 4 << 20  # `zeros_in_steps`: about 2-4 ms of mapping per step


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


def zeros_in_steps(shape: tuple[int, ...], dtype) -> Iterator[None]:
    """`zeros` as a generator that stops after each piece of about STEP_BYTES is mapped in
    (a 48 MB buffer: ~25 ms at once, 2-4 ms a piece); returns the array. Where the kernel
    cannot map a range in, the piece is written instead (slower, as numpy's way)."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    if size < _MIN_BYTES or not _POPULATE:
        return np.zeros(shape, dtype)
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except OSError:
        return np.zeros(shape, dtype)
    flat = np.frombuffer(memory, np.uint8)
    advise = hasattr(memory, "madvise")
    for start in range(0, size, STEP_BYTES):
        length = min(STEP_BYTES, size - start)
        if advise:
            try:
                memory.madvise(_MADV_POPULATE_WRITE, start, length)
            except OSError:
                advise = False
        if not advise:
            flat[start:start + length] = 0  # fresh anonymous memory: faults its pages in
        yield
    return flat.view(dtype).reshape(shape)
