"""Where models run: device and dtype choice, memory-saving switches, out-of-memory handling.

`plan_device` picks CUDA (bfloat16 where the GPU supports it, else float16),
Apple MPS (float16) or the CPU (float32); the user can override device and
dtype (settings, `--device/--dtype`, or the LAYERED_DEVICE / LAYERED_DTYPE
environment variables). On a GPU whose memory is below what a model needs,
model CPU offload and VAE tiling are switched on. `out_of_memory_guard` turns
the device's out-of-memory error into `OutOfMemory` with what to change, after
freeing what it can, so the program keeps working.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from ..errors import InvalidInput, OutOfMemory

DEVICES = ("auto", "cuda", "mps", "cpu")
DTYPES = ("auto", "float32", "float16", "bfloat16")
GiB = 1024 ** 3


@dataclass(frozen=True)
class DevicePlan:
    """How a pipeline is placed: device, weights dtype and memory-saving switches."""

    device: str = "cpu"          # "cpu", "mps", "cuda" or "cuda:N"
    dtype: str = "float32"       # one of DTYPES other than "auto"
    cpu_offload: bool = False    # move each sub-model to the GPU only while it runs
    vae_tiling: bool = False     # decode/encode large images tile by tile
    sequential_offload: bool = False  # move each layer to the GPU only while it runs (least memory, slow)
    vram_gb: Optional[float] = None  # total memory of the GPU, when known

    @property
    def torch_dtype(self):
        import torch

        return getattr(torch, self.dtype)

    @property
    def is_cuda(self) -> bool:
        return self.device.startswith("cuda")

    def describe(self) -> str:
        extras = [name for name, on in (("CPU offload", self.cpu_offload),
                                        ("sequential offload", self.sequential_offload),
                                        ("VAE tiling", self.vae_tiling)) if on]
        return f"{self.device} {self.dtype}" + (f" ({', '.join(extras)})" if extras else "")


def _check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    value = (value or "auto").strip().lower()
    base = value.split(":")[0] if what == "device" else value
    if base not in allowed:
        raise InvalidInput(f"Unknown {what} '{value}'.", f"Choose one of: {', '.join(allowed)}.")
    return value


def choose_device(device: str = "auto", dtype: str = "auto") -> tuple[str, str]:
    """Resolves "auto" device/dtype (and the LAYERED_DEVICE / LAYERED_DTYPE overrides)."""
    import torch

    if (device or "auto") == "auto":
        device = os.environ.get("LAYERED_DEVICE", "auto")
    if (dtype or "auto") == "auto":
        dtype = os.environ.get("LAYERED_DTYPE", "auto")
    device = _check_choice(device, DEVICES, "device")
    dtype = _check_choice(dtype, DTYPES, "dtype")
    if device == "auto":
        if torch.cuda.is_available():
            device = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = "mps"
        else:
            device = "cpu"
    elif device.startswith("cuda") and not torch.cuda.is_available():
        raise InvalidInput("No CUDA GPU is available to this program.",
                           "Choose the CPU (--device cpu) or install a CUDA build of PyTorch.")
    elif device == "mps" and not torch.backends.mps.is_available():
        raise InvalidInput("Apple MPS is not available on this computer.", "Choose --device cpu.")
    if dtype == "auto":
        if device.startswith("cuda"):
            dtype = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        elif device == "mps":
            dtype = "float16"
        else:
            dtype = "float32"  # half precision on CPUs is slow or unsupported
    return device, dtype


def plan_device(device: str = "auto", dtype: str = "auto", *, min_vram_gb: Optional[float] = None,
                cpu_offload: Optional[bool] = None, vae_tiling: Optional[bool] = None,
                sequential_offload: Optional[bool] = None) -> DevicePlan:
    """A placement for a model needing about `min_vram_gb` of GPU memory.

    `cpu_offload` / `vae_tiling` of None mean "decide from the GPU's memory":
    both are switched on when the GPU has less than the model needs.
    """
    device, dtype = choose_device(device, dtype)
    plan = DevicePlan(device, dtype)
    if plan.is_cuda:
        import torch

        index = torch.device(device).index
        total = torch.cuda.get_device_properties(index or 0).total_memory / GiB
        short = min_vram_gb is not None and total < min_vram_gb
        plan = replace(plan, vram_gb=round(total, 1), cpu_offload=short, vae_tiling=short)
    if cpu_offload is not None:
        plan = replace(plan, cpu_offload=bool(cpu_offload) and plan.device != "cpu")
    if vae_tiling is not None:
        plan = replace(plan, vae_tiling=bool(vae_tiling))
    if sequential_offload is not None:
        plan = replace(plan, sequential_offload=bool(sequential_offload) and plan.device != "cpu")
    return plan


def free_memory(device: str = "cpu") -> None:
    """Returns cached memory to the device after a job ends, fails or is cancelled."""
    gc.collect()
    if device.startswith("cuda") or device == "mps":
        import torch

        if device.startswith("cuda") and torch.cuda.is_available():
            torch.cuda.empty_cache()
        elif device == "mps" and torch.backends.mps.is_available():
            torch.mps.empty_cache()


def is_out_of_memory(exc: BaseException) -> bool:
    """True for CUDA/MPS/CPU allocation failures, however torch words them (MPS raises a
    RuntimeError "MPS backend out of memory")."""
    import torch

    if isinstance(exc, (torch.cuda.OutOfMemoryError, MemoryError)):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text
                                              or "can't allocate memory" in text
                                              or "not enough memory" in text)


def out_of_memory_hint(plan: DevicePlan) -> str:
    steps = ["use a smaller box or fewer candidates", "close other programs using the GPU"]
    if plan.device == "cpu":
        steps.append("close other programs or choose a smaller model")
    elif not plan.cpu_offload and not plan.sequential_offload:
        steps.append("switch on CPU offload (Edit > Preferences in the editor, --offload on "
                     "the command line)")
    else:
        steps.append("choose a smaller model from the catalogue")
    if plan.dtype == "float32" and plan.device != "cpu":
        steps.append("use half precision (Preferences, or --dtype float16)")
    return "Try to " + "; ".join(steps) + "."


@contextmanager
def out_of_memory_guard(plan: DevicePlan, what: str = "This job") -> Iterator[None]:
    """Turns an out-of-memory failure inside the block into `OutOfMemory` (memory freed first)."""
    ran_out = False
    try:
        yield
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        ran_out = True
    if ran_out:  # freed outside the except block, once the traceback's tensors are released
        free_memory(plan.device)
        raise OutOfMemory(f"{what} ran out of memory on {plan.describe()}.", out_of_memory_hint(plan))
