"""Big pixel buffers whose memory is mapped in before they are drawn into, in huge pages.

A fresh numpy buffer of a 4000x3000 canvas (48 MB) is mapped page by page as it is first
written: on the 2-core VM this project runs on (costly page faults), zeroing one took
40-200 ms, often more than drawing into it. Asking the kernel for the pages up front
(`MAP_POPULATE`) took 18-35 ms. Asking for them in transparent huge pages (2 MB, where
the system gives them on request: `MADV_HUGEPAGE`) as well took ~5 ms, and every later
pass over the buffer walks 512x fewer pages: the 64 MB lookup of Hue/Saturation, read at
random, went from ~104 to ~54 ms per 12 MP composite (load 1.7). Small buffers, and
systems without these calls, take numpy's ordinary allocation. `zeros_in_steps` maps the
memory in a piece at a time, for work done between the events of an idle editor;
`zeros(..., mapped_in=False)` maps nothing until it is touched (a sparse lookup).
"""
from __future__ import annotations

import mmap
from typing import Iterator, Optional

import numpy as np

_MIN_BYTES = 4 << 20  # below this the faults cost little and a mapping costs its own setup
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)
_HUGEPAGE = getattr(mmap, "MADV_HUGEPAGE", None)
# madvise(MADV_POPULATE_WRITE) (Linux 5.14+; Python names no constant for it): maps in a
# range of an existing mapping, as MAP_POPULATE does for all of it at once.
_MADV_POPULATE_WRITE = 23
STEP_BYTES = 4 << 20  # `zeros_in_steps`: about 2-4 ms of mapping per step (less in huge pages)


def _mapping(size: int) -> Optional[mmap.mmap]:
    """An anonymous zeroed mapping of `size` bytes, nothing mapped in yet, asked for in huge
    pages where the system has them; None when there is no such mapping to be had."""
    if not _POPULATE:  # not Linux: numpy's way
        return None
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except OSError:
        return None
    if _HUGEPAGE is not None:
        try:
            memory.madvise(_HUGEPAGE)
        except OSError:  # no transparent huge pages: ordinary pages
            pass
    return memory


def _populate(memory: mmap.mmap, start: int, length: int) -> bool:
    try:
        memory.madvise(_MADV_POPULATE_WRITE, start, length)
        return True
    except OSError:  # an older kernel
        return False


def zeros(shape: tuple[int, ...], dtype, mapped_in: bool = True) -> np.ndarray:
    """A zeroed array of `shape`, its memory mapped in already when it is big (unless
    `mapped_in` is False: then each page is mapped in when first touched)."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    if size < _MIN_BYTES:
        return np.zeros(shape, dtype)
    memory = _mapping(size)
    if memory is None:
        return np.zeros(shape, dtype)
    if mapped_in and not _populate(memory, 0, size):
        memory.close()
        try:  # mapped in at once as it is made, in ordinary pages
            memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _POPULATE)
        except OSError:  # no room for it mapped in at once: numpy's way, page by page
            return np.zeros(shape, dtype)
    # The array keeps the mapping alive; it is unmapped when the array is freed.
    return np.frombuffer(memory, dtype).reshape(shape)


def empty_like(array: np.ndarray) -> np.ndarray:
    """`zeros` of `array`'s shape and type (what is written into it is all that counts)."""
    return zeros(array.shape, array.dtype)


def zeros_in_steps(shape: tuple[int, ...], dtype) -> Iterator[None]:
    """`zeros` as a generator that stops after each piece of about STEP_BYTES is mapped in;
    returns the array. Where the kernel cannot map a range in, the piece is written
    instead (slower, as numpy's way)."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    if size < _MIN_BYTES:
        return np.zeros(shape, dtype)
    memory = _mapping(size)
    if memory is None:
        return np.zeros(shape, dtype)
    flat = np.frombuffer(memory, np.uint8)
    advise = True
    for start in range(0, size, STEP_BYTES):
        length = min(STEP_BYTES, size - start)
        if advise:
            advise = _populate(memory, start, length)
        if not advise:
            flat[start:start + length] = 0  # fresh anonymous memory: faults its pages in
        yield
    return flat.view(dtype).reshape(shape)
