"""Big buffers come mapped in (editor/model/prefaulted.py) and behave as numpy's own."""
import gc

import numpy as np

from editor.model import prefaulted


def test_big_and_small_buffers_are_zeroed_writable_and_independent():
    for shape, dtype in (((3000, 1000, 4), np.uint8), ((700, 900, 4), np.uint16), ((8, 8, 4), np.uint8)):
        a, b = prefaulted.zeros(shape, dtype), prefaulted.zeros(shape, dtype)
        assert a.shape == shape and a.dtype == dtype and a.flags.writeable
        assert a.flags.c_contiguous and not a.any()
        a[...] = 7
        assert not b.any() and (a == 7).all()


def test_empty_like_matches_the_array_and_the_memory_outlives_the_call():
    source = np.ones((1500, 1500, 4), np.uint8)
    out = prefaulted.empty_like(source)
    gc.collect()
    out[...] = source
    assert out.shape == source.shape and out.dtype == source.dtype and (out == 1).all()


def test_zeros_in_steps_maps_a_big_buffer_a_piece_per_step():
    def run(work):
        steps = 0
        while True:
            try:
                next(work)
                steps += 1
            except StopIteration as stop:
                return steps, stop.value

    shape = (3000, 1000, 4)  # 12 MB: three or more pieces
    steps, a = run(prefaulted.zeros_in_steps(shape, np.uint8))
    assert steps >= 12_000_000 // prefaulted.STEP_BYTES
    assert a.shape == shape and a.dtype == np.uint8 and a.flags.writeable and not a.any()
    _, b = run(prefaulted.zeros_in_steps(shape, np.uint8))
    a[...] = 9
    assert not b.any() and (a == 9).all()
    steps, small = run(prefaulted.zeros_in_steps((8, 8, 4), np.uint16))
    assert steps == 0 and small.shape == (8, 8, 4) and small.dtype == np.uint16 and not small.any()


def _thp_mode() -> str:
    try:
        text = open("/sys/kernel/mm/transparent_hugepage/enabled").read()
    except OSError:
        return "none"
    return text.split("[")[1].split("]")[0]


def _mapping_fields(array: np.ndarray) -> dict:
    """The /proc/self/smaps fields of the mapping that holds `array`."""
    address, fields, inside = array.ctypes.data, {}, False
    for line in open("/proc/self/smaps"):
        head = line.split()[0]
        if "-" in head and ":" not in head:
            start, end = (int(v, 16) for v in head.split("-"))
            inside = start <= address < end
        elif inside and ":" in head:
            fields[head[:-1]] = line.split()[1]
    return fields


def test_a_sparse_lookup_asks_for_huge_pages_and_maps_nothing_until_touched():
    import pytest

    if _thp_mode() not in ("madvise", "always"):
        pytest.skip("no transparent huge pages on this system")
    mapped = prefaulted.zeros((2000, 2000, 4), np.uint8)
    assert int(_mapping_fields(mapped)["Rss"]) >= 15_000  # kB: mapped in at once
    sparse = prefaulted.zeros((1 << 24,), np.uint32, mapped_in=False)
    assert not sparse.any() and sparse.flags.writeable
    assert _mapping_fields(sparse).get("THPeligible") == "1"
    before = int(_mapping_fields(sparse)["Rss"])
    sparse[5_000_000] = 7
    assert int(_mapping_fields(sparse)["Rss"]) - before <= 4096 and sparse[5_000_000] == 7
