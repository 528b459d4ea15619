"""BFS: background + box + prompt -> a foreground RGBA layer (object, shadows, reflections).

Back-to-front synthesis (paper: ../shared/papers/bfs.txt). A frozen inpainting
transformer (Flux-Fill, or the small built-in one) runs as two branches in
one batch: the composite branch paints the object into the background, the
foreground branch paints the same object as an RGBA layer; the trained
bridges make each branch attend to the other in every block, so the layer
carries the effects the composite shows. The layer is decoded by the RGBA VAE.

Steps (shaped like diffusers' FluxFillPipeline):
  1. check the inputs;
  2. frame a window around the box (`engine.framing`, as the training data are
     framed) and scale it to the model's resolution;
  3. encode the conditions: the prompt (text encoders on the GPU only meanwhile),
     the whole background's latents + the box mask (Flux-Fill layout; BFS knows
     the background, so nothing is blanked);
  4. denoise both branches together from seeded noise (flow-matching Euler);
     each step reports a preview: the composite branch's estimate of the
     finished picture, mapped from latents to colours by a linear fit on the
     background's own latents (no decoder call);
  5. decode the composite branch (RGB VAE) and the foreground branch (RGBA VAE);
  6. scale back to the window, and return the layer with its offset, the
     composite branch's image, and the layer recomposited over the background.

Model: a loaded `engine.nets.bfs_model.BFSModel`, or the path of a BFS model
folder (loaded here, safetensors only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from engine.box import Box
from engine.compose import ensure_rgba, over, to_float, to_uint8, unpremultiply
from engine.errors import InvalidInput, ModelError, OutOfMemory
from engine.framing import INFERENCE_CONTEXT, box_mask, frame_window
from engine.methods.inpainting import LinearPreview
from engine.models import devices
from engine.models.builtin import check_prompt
from engine.models.devices import is_out_of_memory
from engine.models.loading import load_bfs_model
from engine.progress import ProgressFn, Stages, no_progress

METHOD = "bfs"
MAX_STEPS = 500


@dataclass
class BFSRequest:
    background: np.ndarray          # (H, W, 3|4) uint8; alpha, if any, is flattened over white for the model
    box: Box                        # where the object goes, in background pixels
    prompt: str                     # what the object is
    seed: int = 0
    steps: int | None = None        # None: the model's default
    guidance_scale: float | None = None  # None: the model's default
    context: float = INFERENCE_CONTEXT  # window side = context x the box's longer side (engine.framing)
    previews: bool = True           # a small preview of the window with each denoising step


@dataclass
class BFSResult:
    foreground: np.ndarray          # (h, w, 4) uint8 straight RGBA: the new layer
    x: int                          # the layer's offset in the background
    y: int
    composite_branch: np.ndarray    # (h, w, 3) uint8: the composite branch's own image of the window
    recomposed: np.ndarray          # background with the layer over it, same shape as the background
    recipe: dict = field(default_factory=dict)


def synthesize(request: BFSRequest, model, progress: ProgressFn = no_progress) -> BFSResult:
    import torch

    from engine.nets.fill_layout import unpack_latents

    # 1. Inputs.
    model = _load(model)
    height, width = _check_inputs(request, model)
    box = request.box.validate_in(width, height)
    steps = int(request.steps or model.steps)
    guidance = float(model.guidance_scale if request.guidance_scale is None else request.guidance_scale)
    stages = Stages(progress, {"encode": 1, "denoise": steps, "decode": 1})

    # 2. Context window, in model resolution.
    window = frame_window(width, height, box, request.context)
    model_w, model_h = model_size(window, model.resolution, model.backbone.size_multiple)
    background = _flatten(request.background)[window.slices()]

    ran_out = False
    try:
        with torch.no_grad():
            device, dtype = model.execution_device, model.backbone.dtype
            bb = model.backbone

            # 3. Conditions: the prompt first (the text encoders visit the GPU only for it), then
            #    the background and the box.
            use_cfg = not bb.guidance_embeds and guidance > 1.0
            prompts = [request.prompt.strip(), ""] if use_cfg else [request.prompt.strip()]
            with _encoding(model):
                text = bb.encode_prompts(prompts, device)
            bg = _to_tensor(background, model_w, model_h, device, dtype)
            mask = torch.from_numpy(box_mask(box, window, model_w, model_h))[None, None].to(device, dtype)
            condition = bb.condition(bg, mask)
            stages.done("encode")

            # 4. Denoise: batch = composite branch samples, then foreground branch samples.
            per_branch = len(prompts)
            h, w = model_h // bb.vae_scale_factor, model_w // bb.vae_scale_factor
            latents = _initial_noise(request.seed, bb.latent_channels, h, w).to(device, dtype)
            latents = torch.cat([latents[:1]] * per_branch + [latents[1:]] * per_branch)
            hidden_condition = torch.cat([condition] * 2 * per_branch)
            text = {k: torch.cat([v, v]) for k, v in text.items()}
            img_ids = _image_ids(h, w, device)
            scheduler = _scheduler(bb, steps, (h // 2) * (w // 2), device)
            denoise = stages.stage("denoise")
            preview = _step_preview(bb, bg, background) if request.previews else None
            for i, t in enumerate(scheduler.timesteps):
                sigma = (t / 1000).expand(latents.shape[0]).to(dtype)
                velocity = bb.predict(model.transformer, torch.cat([latents, hidden_condition], dim=2), sigma,
                                      img_ids, text, guidance)
                if use_cfg:
                    cond, uncond = velocity[0::2], velocity[1::2]
                    guided = uncond + guidance * (cond - uncond)
                    velocity = guided.repeat_interleave(2, dim=0)
                shown = None
                if preview is not None:
                    # Flow matching: x_t = (1 - sigma) x_0 + sigma noise and v = noise - x_0.
                    estimate = latents[:1] - scheduler.sigmas[i].to(device) * velocity[:1]
                    shown = preview(unpack_latents(estimate, h, w)[0].float().cpu().numpy())
                latents = scheduler.step(velocity, t, latents, return_dict=False)[0]
                denoise(i + 1, steps, shown)

            # 5. Decode both branches.
            from engine.nets.dual_branch import COMPOSITE, FOREGROUND
            from engine.nets.rgba_vae import from_model_range

            z = unpack_latents(latents, h, w)
            first = {branch: branch * per_branch for branch in (COMPOSITE, FOREGROUND)}
            composite = bb.decode(bb.vae, z[first[COMPOSITE]:first[COMPOSITE] + 1]).float()
            composite = (composite.clamp(-1, 1) + 1) / 2
            layer = from_model_range(bb.decode(model.rgba_vae, z[first[FOREGROUND]:first[FOREGROUND] + 1]).float(),
                                     model.rgba_convention)
    except Exception as exc:  # CUDA's OutOfMemoryError, MPS's RuntimeError, the CPU's MemoryError
        if not is_out_of_memory(exc):
            raise
        ran_out = True
    finally:
        _release(model)  # finished, failed or cancelled: offloaded parts back, cache freed
    if ran_out:
        _release(model)  # again, now that the traceback's tensors are gone
        raise OutOfMemory("The GPU ran out of memory while generating the layer.",
                          "Use a smaller box or context, switch on CPU offload, or close other GPU "
                          "programs.")
    stages.done("decode")

    # 6. Back to the window's pixels.
    layer_rgba = _resize_premultiplied(layer[0].permute(1, 2, 0).cpu().numpy(), window.w, window.h)
    composite_rgb = _resize(composite[0].permute(1, 2, 0).cpu().numpy(), window.w, window.h)
    foreground = to_uint8(layer_rgba)
    return BFSResult(
        foreground=foreground, x=window.x, y=window.y,
        composite_branch=to_uint8(composite_rgb),
        recomposed=recompose(request.background, foreground, window.x, window.y),
        recipe={"method": METHOD, "prompt": request.prompt, "seed": request.seed, "steps": steps,
                "guidance_scale": guidance, "box": list(box.as_tuple()), "context": request.context},
    )


context_window = frame_window  # the method's window, by the name the editor and tests know


def recompose(background: np.ndarray, layer: np.ndarray, x: int, y: int) -> np.ndarray:
    """The straight-RGBA uint8 `layer` at (x, y) over `background`, in the background's format."""
    out = background.copy()
    h, w = layer.shape[:2]
    region = to_float(background[y:y + h, x:x + w])
    out[y:y + h, x:x + w] = to_uint8(over(to_float(layer), region))
    return out


def model_size(window: Box, resolution: int, multiple: int) -> tuple[int, int]:
    """The window scaled so its short side is `resolution`, sides rounded to `multiple`."""
    scale = resolution / min(window.w, window.h)
    return (max(multiple, int(round(window.w * scale / multiple)) * multiple),
            max(multiple, int(round(window.h * scale / multiple)) * multiple))


# ---- helpers

def _load(model):
    """A loaded BFSModel as it is; a folder is loaded on the CPU (the editor and the command
    line load through engine.models.loading, which also places the model on a device)."""
    from engine.nets.bfs_model import BFSModel

    if isinstance(model, BFSModel):
        return model
    if not isinstance(model, (str, Path)):
        raise ModelError(f"Not a BFS model: {type(model).__name__}.")

    return load_bfs_model(model)


def _encoding(model):
    """The text encoders on the execution device while the prompt is encoded (engine.nets.bfs_devices)."""
    from contextlib import nullcontext

    return model.placement.encoding() if model.placement is not None else nullcontext()


def _release(model) -> None:
    if model.placement is not None:
        model.placement.release()
    else:
        devices.free_memory(str(model.execution_device))


def _check_inputs(request: BFSRequest, model) -> tuple[int, int]:
    bg = request.background
    if not isinstance(bg, np.ndarray) or bg.dtype != np.uint8 or bg.ndim != 3 or bg.shape[2] not in (3, 4):
        raise InvalidInput("The background must be an 8-bit RGB or RGBA image.")
    height, width = bg.shape[:2]
    if not isinstance(request.box, Box):
        raise InvalidInput("The box must be an engine.box.Box (x, y, width, height).")
    if min(height, width) < model.backbone.size_multiple:
        raise InvalidInput(f"The background is too small ({width}x{height}).",
                           f"It needs at least {model.backbone.size_multiple} pixels on each side.")
    if not isinstance(request.prompt, str) or not request.prompt.strip():
        raise InvalidInput("Describe the object to add: the prompt is empty.")
    # A model with a closed vocabulary (the built-in one) says which words it knows.
    check_prompt(request.prompt, model.settings.get("vocabulary"))
    if request.steps is not None and not 1 <= int(request.steps) <= MAX_STEPS:
        raise InvalidInput(f"Steps must be between 1 and {MAX_STEPS}, not {request.steps}.")
    if request.guidance_scale is not None and not 0.0 <= float(request.guidance_scale) <= 100.0:
        raise InvalidInput(f"Guidance must be between 0 and 100, not {request.guidance_scale}.")
    if not 1.0 <= float(request.context) <= 8.0:
        raise InvalidInput(f"Context must be between 1 and 8 box sizes, not {request.context}.")
    return height, width


def _step_preview(backbone, background_tensor, background: np.ndarray):
    """Latents (C, h, w) of the composite branch -> a small RGB picture of the window."""
    z = backbone.encode(backbone.vae, background_tensor)[0].float().cpu().numpy()
    return LinearPreview(z, to_float(background))


def _flatten(background: np.ndarray) -> np.ndarray:
    if background.shape[2] == 3:
        return background
    return to_uint8(over(to_float(ensure_rgba(background)), np.ones(background.shape[:2] + (3,), np.float32)))


def _to_tensor(rgb: np.ndarray, width: int, height: int, device, dtype):
    import torch

    resized = Image.fromarray(rgb).resize((width, height), Image.Resampling.BICUBIC)
    x = torch.from_numpy(np.asarray(resized, np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
    return x.to(device=device, dtype=dtype)


def _initial_noise(seed: int, channels: int, h: int, w: int):
    """Packed noise for the composite (row 0) and foreground (row 1) branches, same on every device."""
    import torch

    from engine.nets.fill_layout import pack_latents

    generator = torch.Generator().manual_seed(int(seed))
    return pack_latents(torch.randn(2, channels, h, w, generator=generator))


def _image_ids(h: int, w: int, device):
    from engine.nets.fill_layout import image_ids

    return image_ids(h, w, device)


def _scheduler(backbone, steps: int, image_tokens: int, device):
    """A fresh flow-matching Euler scheduler with the sigmas and resolution shift FluxFillPipeline uses."""
    from diffusers import FlowMatchEulerDiscreteScheduler

    scheduler = FlowMatchEulerDiscreteScheduler.from_config(backbone.scheduler.config)
    sigmas = np.linspace(1.0, 1 / steps, steps)
    kwargs = {}
    if scheduler.config.get("use_dynamic_shifting", False):
        # Flux's `calculate_shift`: mu grows linearly with the number of image tokens.
        c = scheduler.config
        n0, n1 = c.get("base_image_seq_len", 256), c.get("max_image_seq_len", 4096)
        s0, s1 = c.get("base_shift", 0.5), c.get("max_shift", 1.15)
        kwargs["mu"] = s0 + (s1 - s0) * (image_tokens - n0) / (n1 - n0)
    scheduler.set_timesteps(sigmas=sigmas, device=device, **kwargs)
    return scheduler


def _resize(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    channels = [np.asarray(Image.fromarray(rgb[..., c].astype(np.float32)).resize((width, height),
                                                                                   Image.Resampling.BICUBIC))
                for c in range(rgb.shape[2])]
    return np.clip(np.stack(channels, axis=-1), 0.0, 1.0)


def _resize_premultiplied(rgba: np.ndarray, width: int, height: int) -> np.ndarray:
    """Premultiplied float RGBA -> straight float RGBA at the new size (no dark fringes)."""
    resized = _resize(rgba, width, height)
    resized[..., :3] = np.minimum(resized[..., :3], resized[..., 3:])
    return unpremultiply(resized)

