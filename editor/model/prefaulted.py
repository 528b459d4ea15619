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
the photo document.

Buffers mapped in at once ask for huge pages too, from a huge page's boundary, a piece at
a time (`HUGE_STEP_BYTES`), and go on in ordinary pages as soon as a piece maps in slower
than ordinary pages would. With the 20-layer photo document held, a 48 MB buffer maps in
in ~5 ms of CPU in huge pages against 17-22 ms in ordinary ones, but now and then a piece
stalls for 5-12 ms (the 2-core VM's memory not yet backed, or the kernel compacting it:
once 120 ms for the whole buffer in an editor holding its document); the fallback after
the first slow piece, and ordinary pages for the buffers made in the next seconds
(`_SLOW_PAUSE`), bound that (a new Renderer's composite, median of 12: 13.8 against
18.0 ms of CPU, with 5 of the 12 stalling once, under load 7).
"""
from __future__ import annotations

import mmap
import time
from typing import Iterator, Optional

import numpy as np

_MIN_BYTES = 4 << 20  # below this the faults cost little and a mapping costs its own setup
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)
_HUGEPAGE = getattr(mmap, "MADV_HUGEPAGE", None)
# madvise(MADV_POPULATE_WRITE) (Linux 5.14+; Python names no constant for it): maps in a
# range of an existing mapping, as MAP_POPULATE does for all of it at once.
_MADV_POPULATE_WRITE = 23
STEP_BYTES = 4 << 20  # `zeros_in_steps`: about 2-4 ms of mapping per step
_NO_HUGEPAGE = getattr(mmap, "MADV_NOHUGEPAGE", None)
_HUGE_PAGE = 2 << 20
HUGE_STEP_BYTES = 4 << 20  # `zeros`: mapped in a piece at a time, huge pages while they are fast
# Slower than this per byte, huge pages cost more than ordinary ones (~0.45 ms per MB on the
# 2-core machine; huge pages ~0.12 when the kernel has them free).
_SLOW_SECONDS_PER_BYTE = 0.3e-3 / (1 << 20)
_SLOW_PAUSE = 2.0
_slow_until = 0.0  # (time.monotonic) until then big buffers keep to ordinary pages


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
    if mapped_in:
        flat = _mapped_in(size)
        if flat is not None:  # (it keeps its mapping alive, as below)
            return flat.view(dtype).reshape(shape)
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


def _mapped_in(size: int) -> Optional[np.ndarray]:
    """`size` zeroed bytes mapped in a piece at a time, in huge pages until a piece maps in
    slowly (the kernel compacting memory for them), then in ordinary pages; after a slow
    piece, the buffers made in the next `_SLOW_PAUSE` seconds skip huge pages. None where
    the system cannot map a range in (the caller then uses MAP_POPULATE)."""
    global _slow_until
    if _HUGEPAGE is None or time.monotonic() < _slow_until:
        return None
    # Begun at a huge page's boundary: an unaligned start would be mapped in ordinary
    # pages up to the first boundary (the slack before it is never touched).
    memory = _mapping(size + _HUGE_PAGE, huge=True)
    if memory is None:
        return None
    whole = np.frombuffer(memory, np.uint8)
    offset = -whole.ctypes.data % _HUGE_PAGE
    huge = True
    for start in range(offset, offset + size, HUGE_STEP_BYTES):
        length = min(HUGE_STEP_BYTES, offset + size - start)
        began = time.thread_time()  # (CPU time: the kernel's work for it, not preemption)
        if not _populate(memory, start, length):
            if start == offset:  # an older kernel: MAP_POPULATE
                del whole
                memory.close()
                return None
            break  # (the rest is mapped in as it is touched)
        rest = offset + size - start - length
        if huge and rest > 0 and time.thread_time() - began > length * _SLOW_SECONDS_PER_BYTE:
            huge = False
            _slow_until = time.monotonic() + _SLOW_PAUSE
            if _NO_HUGEPAGE is not None:
                try:
                    memory.madvise(_NO_HUGEPAGE, start + length, rest)
                except OSError:
                    pass
    return whole[offset:offset + size]


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
