"""Big pixel buffers whose memory is mapped in before they are drawn into.

A fresh numpy buffer of a 4000x3000 canvas (48 MB) is mapped page by page as it is first
written: on the 2-core VM this project runs on (costly page faults), zeroing one took
40-200 ms, often more than drawing into it. Asking the kernel for the pages up front
(`MAP_POPULATE`) takes 18-35 ms. Small buffers, and systems without it, take numpy's
ordinary allocation. `zeros_in_steps` maps the memory in a piece at a time, for work done
between the events of an idle editor.

`zeros(..., mapped_in=False)` maps nothing until it is touched and asks for transparent
huge pages (2 MB, `MADV_HUGEPAGE`): for a big lookup read at random (Hue/Saturation's
64 MB), where 512x fewer pages to walk filled a fresh one in ~70 ms instead of ~225 on
the photo document. Buffers mapped in at once keep ordinary pages: mapping 48 MB in huge
pages took 5 ms in a fresh process but 120 ms once the editor held its document (the
kernel compacting memory for them), against a steady 18-20 ms.
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
STEP_BYTES = 4 << 20  # `zeros_in_steps`: about 2-4 ms of mapping per step


def _mapping(size: int, huge: bool = False) -> Optional[mmap.mmap]:
    """An anonymous zeroed mapping of `size` bytes, nothing mapped in yet (in huge pages,
    where the system has them, if `huge`); None when there is no such mapping to be had."""
    if not _POPULATE:  # not Linux: numpy's way
        return None
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except OSError:
        return None
    if huge and _HUGEPAGE is not None:
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
    `mapped_in` is False: then each page, a huge one where the system has them, is mapped
    in when first touched)."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    if size < _MIN_BYTES:
        return np.zeros(shape, dtype)
    memory = None
    if not mapped_in:
        memory = _mapping(size, huge=True)
    elif _POPULATE:
        try:
            memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _POPULATE)
        except OSError:  # no room for it mapped in at once: numpy's way, page by page
            pass
    if memory is None:
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
