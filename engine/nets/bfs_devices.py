"""Where a BFS model's parts live while it runs, following the device plan (`engine.models.devices`).

At FLUX.1-Fill size the parts are, in bf16 (see bench/estimate_bfs_vram.py):
transformer 23.8 GB, bridges 1.1 GB, T5-XXL 9.5 GB, CLIP-L 0.25 GB, the two
VAEs 0.17 GB each. The plan picks one of three placements:

* resident (no offload): transformer + bridges and both VAEs stay on the GPU;
  the text encoders stay on the CPU and visit the GPU only while the prompt
  is encoded (`encoding()`), then go back and their memory is freed;
* model CPU offload (`plan.cpu_offload`): accelerate's `cpu_offload_with_hook`
  chain, as diffusers' `enable_model_cpu_offload`: text encoders, the
  dual-branch transformer (with its bridges), the VAE and the RGBA VAE each
  come to the GPU when called and the previous one goes back;
* sequential offload (`plan.sequential_offload`): accelerate's `cpu_offload`
  on every part, as `enable_sequential_cpu_offload`: each layer's weights come
  to the GPU only for its own call (least memory, slowest). The bridges'
  frozen projections call the backbone's own modules, so their hooks apply.

`plan.vae_tiling` switches on tiling and slicing in both VAEs. `release()`
sends every offloaded part back to the CPU and frees the device's cache; the
method calls it when a job ends, fails or is cancelled.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from engine.models import devices


class BFSPlacement:
    def __init__(self, model, plan):
        self.model = model
        self.plan = plan
        self.mode = ("sequential" if plan.sequential_offload else "model" if plan.cpu_offload
                     else "resident")
        self._hooks = []

    @property
    def device(self):
        import torch

        return torch.device(self.plan.device)

    def parts(self) -> list:
        """The big modules, in the order a job uses them (text encoders excluded)."""
        return [self.model.transformer, self.model.backbone.vae, self.model.rgba_vae]

    def text_encoders(self) -> list:
        return self.model.backbone.text_modules()

    def apply(self) -> "BFSPlacement":
        device = self.plan.device
        if self.mode == "sequential":
            from accelerate import cpu_offload

            for module in self.text_encoders() + self.parts():
                cpu_offload(module, execution_device=self.device)
        elif self.mode == "model":
            from accelerate import cpu_offload_with_hook

            hook = None
            for module in self.text_encoders() + self.parts():
                _, hook = cpu_offload_with_hook(module, self.device, prev_module_hook=hook)
                self._hooks.append(hook)
        else:
            for module in self.parts():
                module.to(device)
        if self.plan.vae_tiling:
            for vae in (self.model.backbone.vae, self.model.rgba_vae):
                vae.enable_tiling()
                vae.enable_slicing()
        return self

    @contextmanager
    def encoding(self) -> Iterator[None]:
        """While the prompt is encoded: resident placement brings the text encoders to the GPU
        and sends them back afterwards (the offload modes' hooks do that by themselves)."""
        moved = self.mode == "resident" and self.plan.device != "cpu"
        if moved:
            for module in self.text_encoders():
                module.to(self.plan.device)
        try:
            yield
        finally:
            if moved:
                for module in self.text_encoders():
                    module.to("cpu")
                self._free()

    def release(self) -> None:
        """After a job (finished, failed or cancelled): offloaded parts back on the CPU, cache freed."""
        for hook in self._hooks:
            hook.offload()
        self._free()

    def _free(self) -> None:
        devices.free_memory(self.plan.device)
