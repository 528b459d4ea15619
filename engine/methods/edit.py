"""Edit a subject and its background by text at once (LayerDiffusion, layerdiffusion.txt §3).

From one image, a subject mask M and two texts - T_a for the subject ("a
dog jumping") and T_b for the background ("in a snowy forest") - the method
makes a new picture in which the subject keeps its identity and the scene
its look. It runs on the components of a Stable Diffusion pipeline (the
paper uses v1.4; any SD 1.x/2.x text-to-image model, and the SD inpainting
models with their mask channel set to "paint everywhere"), with peft for
the LoRA fine-tuning. Steps (read `edit_image` top to bottom):

1. Inputs checked: image, subject mask (a brush mask, or a box that the
   engine's segmenter turns into a mask), T_a and T_b (one combined prompt is
   split by `split_prompt`), alpha, step counts and learning rates (paper
   defaults: 500 embedding steps at 1e-3 with Adam, 250 fine-tuning steps at
   2e-6, 50 sampling steps), seed, number of results.
2. The picture's latents x_0, the mask at latent size, and the CLIP
   embeddings e_a = tau(T_a), e_b = tau(T_b) (and the empty prompt's, for
   classifier-free guidance).
3. Layered controlled optimisation (eq. 2): e_a and e_b are optimised
   together, one Adam over both, the model frozen, under the masked diffusion
   loss. Our reading of eq. 2's "[e_a, e_b]" with one mask: the subject text
   learns from the subject's pixels, M * (eps - eps_theta(x_t, t, e_a)), and
   the background text from the rest, (1 - M) * (eps - eps_theta(x_t, t, e_b)),
   both on the same noisy x_t (one UNet call on a batch of two).
4. Interpolation (eq. 3): e_opt = alpha * e^_a + (1 - alpha) * e^_b.
5. Layered diffusion fine-tuning (eqs. 4-6) at e_opt, embeddings frozen:
   L_total = lambda_1 * L_obj + lambda_2 * L_bg with L_obj masked by M and L_bg
   by 1 - M (paper: lambda_1 = 2, lambda_2 = 1). The paper takes M_t from a
   picture first generated from the whole text and M_r from the input; here
   the one input picture gives both (M_t = M_r = M), so no extra generation
   and no second segmentation is needed. LoRA (peft, rank 4 on the attention,
   feed-forward and ResNet layers, `LORA_TARGETS`) is the default - its
   learning rate defaults to 1e-4, as LoRA needs; full fine-tuning (the
   paper's way, 2e-6) is an option and runs in float32.
6. Iterative guidance (eq. 8): sampling from noise, the step that takes
   I_t to I_{t-1} is conditioned on e^_a when t is even and on e_opt when t is
   odd (t counts down from the number of steps to 1).
7. The results are decoded and brought back to the image's size; the
   fine-tuned weights are taken off the model (LoRA adapter deleted, or the
   original weights put back) so a held pipeline is unchanged - unless the
   request keeps them, in which case they come back in the result.

Progress: the three phases are one bar (`engine.progress.Stages`, names in
`PHASES`); every optimisation, fine-tuning and sampling step reports, so a
cancel stops the job within one step of any phase. Sampling steps carry a
preview of the predicted picture. Memory: the model runs in the dtype of its
device plan (bfloat16 or float16 on a GPU), the trained values (embeddings,
LoRA weights) in float32, and gradient checkpointing is on by default on a
GPU; at 512x512 the LoRA edit of an SD 1.x model is meant to fit 12 GB.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from engine.box import Box
from engine.compose import to_float, to_uint8
from engine.errors import InvalidInput
from engine.models import loading
from engine.models.catalogue import load_catalogue
from engine.models.devices import out_of_memory_guard
from engine.progress import ProgressFn, Stages, no_progress, stage_at

from .inpainting import LinearPreview, from_planes, size_multiple, vae_round_trip, working_size

METHOD = "edit"
# The phases of the one progress bar, with the names the user sees.
PHASES = {"embeddings": "Optimising the text embeddings", "finetune": "Fine-tuning the model",
          "sample": "Sampling"}
# The UNet's layers that get a LoRA adapter: attention projections, feed-forward and the
# ResNet convolutions. Attention alone barely fits one picture: on the tiny test UNet, over
# 150 steps at 1e-2 the mean loss of the last 30 steps is 5 % below the first 30's with
# attention alone (rank 16), 46 % with these (rank 4) - `python bench/bench_edit.py --fit`.
LORA_TARGETS = ("to_q", "to_k", "to_v", "to_out.0", "proj_in", "proj_out", "ff.net.0.proj",
                "ff.net.2", "conv1", "conv2", "conv_shortcut")
LORA_NAME = "layered_edit"
MIN_SIDE = 16
# Where a combined prompt is split: the first comma, else the first word of place.
_PLACE = re.compile(r"\s(?=(?:in front of|in|on|at|under|inside|beside|near|by|against|"
                    r"among|behind|over|with a background of)\s)", re.IGNORECASE)


@dataclass
class EditRequest:
    image: np.ndarray                   # (H, W, 3|4) uint8
    subject: str = ""                   # T_a: what the subject becomes
    background: str = ""                # T_b: what the background becomes
    mask: Optional[np.ndarray] = None   # (H, W) nonzero on the subject
    box: Optional[Box] = None           # the subject's box (segmented when no mask is given)
    alpha: float = 0.7                  # eq. 3
    embedding_steps: int = 500
    embedding_lr: float = 1e-3
    finetune: str = "lora"              # "lora" or "full"
    finetune_steps: int = 250
    finetune_lr: Optional[float] = None  # None: 1e-4 for LoRA, 2e-6 (the paper's) for full
    lora_rank: int = 4
    lambda_object: float = 2.0          # eq. 6
    lambda_background: float = 1.0
    guidance_steps: int = 50
    guidance_scale: float = 7.5
    seed: int = 0
    results: int = 1
    resolution: Optional[int] = None    # working side (about resolution^2 pixels); None: model's
    gradient_checkpointing: Optional[bool] = None  # None: on a GPU
    keep_weights: bool = False          # return the fine-tuned weights in the result
    model: Optional[str] = None         # None: the catalogue's first model for "edit"
    device: str = "auto"
    dtype: str = "auto"


@dataclass
class EditResult:
    images: list                   # (H, W, 3) uint8 pictures, the image's size, one per result
    mask: np.ndarray               # (H, W) bool: the subject mask used
    recipe: dict
    seeds: list                    # the seed of each result
    losses: dict = field(default_factory=dict)   # "embeddings", "finetune": per-step losses
    timings: dict = field(default_factory=dict)  # seconds per phase
    weights: Optional[dict] = None  # fine-tuned weights (LoRA or the whole UNet) when kept
    # One subject/background decomposition (engine.methods.decompose's DecomposeResult) per
    # image, when the caller asked for the split (editor.model.text_edit_apply); else empty.
    splits: list = field(default_factory=list)


# -- 1. inputs ----------------------------------------------------------------------------------
def split_prompt(text: str) -> tuple[str, str]:
    """One combined prompt -> (subject text, background text).

    "a dog jumping, snowy forest" splits at the first comma; "a dog jumping
    in a snowy forest" before the first word of place ("in", "on", "at",
    "under", ...), which stays with the background text."""
    text = " ".join(text.split())
    head, comma, tail = text.partition(",")
    if comma and head.strip() and tail.strip():
        return head.strip(), tail.strip()
    match = _PLACE.search(text)
    if match and match.start() > 0:
        return text[:match.start()].strip(), text[match.end():].strip()
    raise InvalidInput(f"'{text}' cannot be split into a subject part and a background part.",
                       "Give the subject text and the background text separately.")


def resolve_texts(subject: str, background: str) -> tuple[str, str]:
    """The two texts of a request; when only one is given it is a combined prompt."""
    subject, background = (subject or "").strip(), (background or "").strip()
    if subject and background:
        return subject, background
    if subject or background:
        return split_prompt(subject or background)
    raise InvalidInput("The edit has no text.",
                       "Describe the subject and its background (e.g. 'a dog jumping' and "
                       "'in a snowy forest').")


def check_inputs(request: EditRequest) -> tuple[str, str]:
    """Checks the request; returns the subject and background texts."""
    image = request.image
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
            or image.shape[2] not in (3, 4):
        raise InvalidInput("The image must be 8-bit RGB or RGBA.")
    h, w = image.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise InvalidInput(f"The image is {w}x{h}; each side needs at least {MIN_SIDE} pixels.")
    if request.mask is None and request.box is None:
        raise InvalidInput("The edit needs the subject: a mask or a box.",
                           "Paint over the subject (Quick Mask) or draw a box around it.")
    if request.mask is not None:
        mask = np.asarray(request.mask)
        if mask.shape[:2] != (h, w):
            raise InvalidInput(f"The mask is {mask.shape[1]}x{mask.shape[0]}, the image {w}x{h}.",
                               "Give a mask of the image's size.")
        if not mask.any():
            raise InvalidInput("The subject mask is empty.", "Paint over the subject.")
        if mask.all():
            raise InvalidInput("The subject mask covers the whole image: no background is left.")
    if request.box is not None:
        request.box.validate_in(w, h)
    if not 0.0 <= request.alpha <= 1.0:
        raise InvalidInput(f"Alpha must be between 0 and 1, not {request.alpha}.")
    for name, value, low, high in (("Embedding steps", request.embedding_steps, 0, 10000),
                                   ("Fine-tuning steps", request.finetune_steps, 0, 10000),
                                   ("Sampling steps", request.guidance_steps, 1, 1000),
                                   ("The number of results", request.results, 1, 16),
                                   ("The LoRA rank", request.lora_rank, 1, 256)):
        if not low <= int(value) <= high:
            raise InvalidInput(f"{name} must be between {low} and {high}, not {value}.")
    for name, value in (("embedding", request.embedding_lr), ("fine-tuning", request.finetune_lr)):
        if value is not None and not 0.0 < value < 1.0:
            raise InvalidInput(f"The {name} learning rate must be between 0 and 1, not {value}.")
    if request.finetune not in ("lora", "full"):
        raise InvalidInput(f"Unknown fine-tuning '{request.finetune}'.", "Choose lora or full.")
    if not 0 <= request.guidance_scale <= 100:
        raise InvalidInput(f"Guidance must be between 0 and 100, not {request.guidance_scale}.")
    if not 0 <= request.seed < 2 ** 63:
        raise InvalidInput(f"The seed must be a whole number from 0, not {request.seed}.")
    return resolve_texts(request.subject, request.background)


def phase_weights(request: EditRequest) -> dict[str, int]:
    """Steps per phase: the one progress bar is split by these (keys of PHASES)."""
    return {"embeddings": request.embedding_steps, "finetune": request.finetune_steps,
            "sample": request.guidance_steps * request.results}


phase_at = stage_at  # the name (a key of PHASES) of the phase that a step belongs to


def subject_mask(request: EditRequest) -> np.ndarray:
    """The subject mask (H, W) bool: the brush mask, else the box refined by the segmenter."""
    if request.mask is not None:
        return np.asarray(request.mask) > 0
    from .decompose_steps.segment import GrabCutSegmenter

    rgb = np.ascontiguousarray(request.image[..., :3])
    valid = (request.image[..., 3] > 0 if request.image.shape[2] == 4
             else np.ones(rgb.shape[:2], bool))
    box = request.box.clip(rgb.shape[1], rgb.shape[0])
    mask = GrabCutSegmenter()(rgb, box, None, valid)
    if not mask.any():  # nothing could be told apart inside the box: the box is the subject
        mask = np.zeros(rgb.shape[:2], bool)
        mask[box.slices()] = True
    return mask


# -- the method ---------------------------------------------------------------------------------
def edit_image(request: EditRequest, progress: ProgressFn = no_progress, *, model=None,
               cache_dir=None) -> EditResult:
    """Runs the edit; see the module docstring. `model` is a loaded
    `engine.models.loading.LoadedModel` (default: the request's model from the shared cache).
    `progress` may raise `Cancelled`; the model is left as it was in every case."""
    import torch

    # 1. Inputs.
    subject, background = check_inputs(request)
    mask = subject_mask(request)
    if model is None:
        ref = request.model or load_catalogue().default_for(METHOD).id
        model = loading.get_pipeline(ref, device=request.device, dtype=request.dtype,
                                     cache_dir=cache_dir, progress=progress)
    pipe, plan = model.pipeline, model.plan
    unet, device = pipe.unet, torch.device(plan.device)
    stages = Stages(progress, phase_weights(request))
    finetune_lr = request.finetune_lr or (1e-4 if request.finetune == "lora" else 2e-6)
    checkpointing = (plan.is_cuda if request.gradient_checkpointing is None
                     else request.gradient_checkpointing)
    timings: dict[str, float] = {}

    # 2. Latents, mask at latent size, text embeddings.
    h, w = request.image.shape[:2]
    resolution = request.resolution or model.info.resolution
    size = working_size(w, h, resolution, size_multiple(pipe, "sd-inpaint"))
    x0, picture = encode_image(pipe, request.image, size, device)
    latent_mask = mask_at(mask, x0.shape[-2:], device)
    if latent_mask.sum() < 0.5 or (1 - latent_mask).sum() < 0.5:
        raise InvalidInput("The subject (or the background) is too small at the model's "
                           "resolution.", "Mark a larger subject, or leave more background.")
    e_a, e_b, e_null = (encode_text(pipe, text, device) for text in (subject, background, ""))
    extra = inpainting_channels(pipe, x0.shape, device)
    from diffusers import DDIMScheduler, DDPMScheduler

    noise_scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
    generator = torch.Generator("cpu").manual_seed(request.seed)
    restore = keep_original(unet, request.finetune)
    with out_of_memory_guard(plan, "The text edit"):  # frees memory, says what to change
        try:
            if checkpointing:
                unet.enable_gradient_checkpointing()
            # 3. Layered controlled optimisation (eq. 2).
            t0 = time.perf_counter()
            e_a_hat, e_b_hat, embedding_losses = optimise_embeddings(
                unet, noise_scheduler, x0, latent_mask, e_a, e_b, request.embedding_steps,
                request.embedding_lr, generator, stages.stage("embeddings"), extra)
            stages.done("embeddings")
            timings["embeddings_s"] = round(time.perf_counter() - t0, 3)

            # 4. Interpolation (eq. 3).
            e_opt = interpolate(e_a_hat, e_b_hat, request.alpha)

            # 5. Layered diffusion fine-tuning (eqs. 4-6).
            t0 = time.perf_counter()
            if request.finetune == "lora":
                with torch.random.fork_rng(devices=[]):  # the adapter's random start is the seed's
                    torch.manual_seed(request.seed)
                    add_lora(unet, request.lora_rank)
            finetune_losses = finetune_model(
                unet, noise_scheduler, x0, latent_mask, e_opt, request.finetune_steps, finetune_lr,
                request.lambda_object, request.lambda_background, generator,
                stages.stage("finetune"), extra, full=request.finetune == "full")
            stages.done("finetune")
            timings["finetune_s"] = round(time.perf_counter() - t0, 3)
            if checkpointing:
                unet.disable_gradient_checkpointing()

            # 6. Iterative guidance sampling (eq. 8).
            t0 = time.perf_counter()
            scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
            preview = _preview(x0, picture)
            seeds = [request.seed + i for i in range(request.results)]
            sample_progress = stages.stage("sample")
            images = []
            for i, seed in enumerate(seeds):
                def report(step, total, z0, i=i):
                    sample_progress(i * total + step, len(seeds) * total, preview(z0))
                z = iterative_guidance(unet, scheduler, e_a_hat, e_opt, e_null, x0.shape, seed,
                                       request.guidance_steps, request.guidance_scale, report,
                                       extra)
                # 7. Decode, back to the image's size.
                images.append(decode_latents(pipe, z, (w, h)))
            timings["sample_s"] = round(time.perf_counter() - t0, 3)
            weights = fine_tuned_weights(unet, request.finetune) if request.keep_weights else None
        finally:
            unet.disable_gradient_checkpointing()
            restore()
    recipe = {"method": METHOD, "model": model.source.ref, "subject": subject,
              "background": background, "alpha": request.alpha,
              "embedding_steps": request.embedding_steps, "embedding_lr": request.embedding_lr,
              "finetune": request.finetune, "finetune_steps": request.finetune_steps,
              "finetune_lr": finetune_lr, "lambdas": [request.lambda_object,
                                                       request.lambda_background],
              "guidance_steps": request.guidance_steps, "guidance": request.guidance_scale,
              "seed": request.seed, "size": list(size)}
    return EditResult(images, mask, recipe, seeds,
                      {"embeddings": embedding_losses, "finetune": finetune_losses}, timings,
                      weights)


# -- 2. latents, masks, texts -----------------------------------------------------------------
def encode_image(pipe, image: np.ndarray, size: tuple[int, int], device):
    """The image at the working size -> (scaled latents x_0 on `device`, float RGB picture)."""
    import cv2

    rgb = to_float(image[..., :3])
    if image.shape[2] == 4:  # transparent parts are seen on white, as the canvas shows them
        a = to_float(image[..., 3:])
        rgb = rgb * a + (1.0 - a)
    picture = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    latents = vae_round_trip(pipe, picture, str(device))[1]
    scaling = float(pipe.vae.config.scaling_factor or 1.0)
    return (latents * scaling).to(device), picture


def mask_at(mask: np.ndarray, shape, device):
    """A (H, W) bool mask as the share of each latent cell it covers: 1 x 1 x h x w float32."""
    import cv2
    import torch

    h, w = shape
    small = cv2.resize(mask.astype(np.float32), (int(w), int(h)), interpolation=cv2.INTER_AREA)
    return torch.from_numpy(small)[None, None].to(device)


def encode_text(pipe, text: str, device):
    """CLIP's token embeddings of `text` (1 x 77 x N), as the pipeline conditions on them."""
    import torch

    ids = pipe.tokenizer(text, padding="max_length", max_length=pipe.tokenizer.model_max_length,
                         truncation=True, return_tensors="pt").input_ids.to(device)
    with torch.no_grad():
        return pipe.text_encoder(ids)[0].float()


def inpainting_channels(pipe, shape, device):
    """For a 9-channel (inpainting) UNet: the extra input that says "paint everywhere" - a
    full mask and the latents of the blank picture; None for a text-to-image UNet."""
    import torch

    if pipe.unet.config.in_channels == shape[1]:
        return None
    _, _, h, w = shape
    factor = pipe.vae_scale_factor
    blank = np.zeros((h * factor, w * factor, 3), np.float32)  # 0 in -1..1: the pipeline's blank
    blank += 0.5
    scaling = float(pipe.vae.config.scaling_factor or 1.0)
    z = vae_round_trip(pipe, blank, str(device))[1].to(device) * scaling
    return torch.cat([torch.ones(1, 1, h, w, device=device), z], dim=1)


def unet_eps(unet, x_t, t, embeddings, extra=None):
    """The UNet's prediction (float32) for noisy latents `x_t` at steps `t` under `embeddings`."""
    import torch

    if extra is not None:
        x_t = torch.cat([x_t, extra.expand(x_t.shape[0], -1, -1, -1)], dim=1)
    dtype = unet.dtype
    return unet(x_t.to(dtype), t, encoder_hidden_states=embeddings.to(dtype)).sample.float()


def masked_loss(prediction, target, mask):
    """Mean squared error over the pixels of `mask` (weights 0..1, broadcast over channels):
    pixels outside the mask do not count, and the loss does not grow with the mask's size."""
    weight = mask.expand_as(prediction)
    return ((prediction - target) ** 2 * weight).sum() / weight.sum().clamp_min(1e-8)


def _noisy(noise_scheduler, x0, generator, batch: int = 1):
    """A random step t, noise eps, the noisy latents x_t and the training target for them."""
    import torch

    steps = noise_scheduler.config.num_train_timesteps
    t = torch.randint(0, steps, (1,), generator=generator)
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    x_t = noise_scheduler.add_noise(x0, noise, t)
    if noise_scheduler.config.prediction_type == "v_prediction":  # SD 2.x 768 models
        target = noise_scheduler.get_velocity(x0, noise, t)
    else:
        target = noise
    t = t.to(x0.device).expand(batch)
    return x_t.expand(batch, -1, -1, -1), t, target


# -- 3. layered controlled optimisation (eq. 2) -----------------------------------------------
def optimise_embeddings(unet, noise_scheduler, x0, mask, e_a, e_b, steps: int, lr: float,
                        generator, progress: ProgressFn = no_progress, extra=None):
    """e_a and e_b optimised together (Adam), the UNet frozen: e_a under the subject mask,
    e_b under the background (1 - mask), on the same noisy latents. Returns (e^_a, e^_b,
    the loss of each step)."""
    import torch

    unet.requires_grad_(False)
    e_a = e_a.detach().clone().float().requires_grad_(True)
    e_b = e_b.detach().clone().float().requires_grad_(True)
    optimiser = torch.optim.Adam([e_a, e_b], lr=lr)
    losses = []
    for step in range(steps):
        x_t, t, target = _noisy(noise_scheduler, x0, generator, batch=2)
        eps = unet_eps(unet, x_t, t, torch.cat([e_a, e_b]), extra)  # one call, a batch of two
        loss = masked_loss(eps[:1], target, mask) + masked_loss(eps[1:], target, 1 - mask)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        progress(step + 1, steps)
    return e_a.detach(), e_b.detach(), losses


# -- 4. interpolation (eq. 3) -------------------------------------------------------------------
def interpolate(e_a_hat, e_b_hat, alpha: float):
    """e_opt = alpha * e^_a + (1 - alpha) * e^_b."""
    return alpha * e_a_hat + (1.0 - alpha) * e_b_hat


# -- 5. layered diffusion fine-tuning (eqs. 4-6) ----------------------------------------------
def add_lora(unet, rank: int) -> None:
    """A peft LoRA adapter on the UNet's `LORA_TARGETS` layers; only it will train."""
    from peft import LoraConfig

    unet.requires_grad_(False)
    unet.add_adapter(LoraConfig(r=rank, lora_alpha=rank, init_lora_weights="gaussian",
                                target_modules=list(LORA_TARGETS)), adapter_name=LORA_NAME)
    for p in unet.parameters():
        if p.requires_grad:  # the adapter: trained in float32 next to half-precision weights
            p.data = p.data.float()


def finetune_model(unet, noise_scheduler, x0, mask, e_opt, steps: int, lr: float,
                   lambda_object: float, lambda_background: float, generator,
                   progress: ProgressFn = no_progress, extra=None, full: bool = False) -> list:
    """Trains the UNet at the frozen e_opt under lambda_1 * L_obj + lambda_2 * L_bg: only
    its LoRA adapter (`add_lora` first), or, with `full`, all its weights (in float32: the
    paper's learning rate of 2e-6 would vanish in half-precision rounding).
    Returns the loss of each step."""
    import torch

    if full:
        if unet.dtype != torch.float32:
            unet.to(torch.float32)
        unet.requires_grad_(True)
    params = [p for p in unet.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    e_opt = e_opt.detach()
    losses = []
    for step in range(steps):
        x_t, t, target = _noisy(noise_scheduler, x0, generator)
        eps = unet_eps(unet, x_t, t, e_opt, extra)
        loss = (lambda_object * masked_loss(eps, target, mask)             # eq. 4
                + lambda_background * masked_loss(eps, target, 1 - mask))  # eq. 5; eq. 6
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        progress(step + 1, steps)
    unet.requires_grad_(False)
    return losses


def keep_original(unet, finetune: str):
    """What puts the UNet back as it was after the edit: a function to call once. Full
    fine-tuning first copies the weights off the device."""
    dtype = unet.dtype
    saved = ({k: v.detach().to("cpu", copy=True) for k, v in unet.state_dict().items()}
             if finetune == "full" else None)

    def restore() -> None:
        adapters = getattr(unet, "peft_config", None) or {}
        if LORA_NAME in adapters:
            if len(adapters) == 1:  # ours alone: take the peft wrappers off the layers too
                unet.unload_lora()
            else:
                unet.delete_adapters(LORA_NAME)
        if saved is not None:
            unet.load_state_dict(saved)
        if unet.dtype != dtype:
            unet.to(dtype)
        unet.requires_grad_(False)

    return restore


def fine_tuned_weights(unet, finetune: str) -> dict:
    """The fine-tuned weights, on the CPU: the LoRA adapter's (peft names) or the whole UNet's."""
    if finetune == "lora":
        from peft import get_peft_model_state_dict

        state = get_peft_model_state_dict(unet, adapter_name=LORA_NAME)
    else:
        state = unet.state_dict()
    return {k: v.detach().to("cpu", copy=True).contiguous() for k, v in state.items()}


# -- 6. iterative guidance (eq. 8) --------------------------------------------------------------
def guidance_embedding(t: int, e_a_hat, e_opt):
    """Eq. 8: the condition of the step I_t -> I_{t-1}: e^_a for even t, e_opt for odd t."""
    return e_a_hat if t % 2 == 0 else e_opt


def iterative_guidance(unet, scheduler, e_a_hat, e_opt, e_null, shape, seed: int, steps: int,
                       guidance: float, progress=None, extra=None):
    """Samples latents from noise (seeded), alternating the condition per eq. 8, with
    classifier-free guidance against the empty prompt. `progress(step, steps, x0_estimate)`
    is called after each step. Returns the final latents (1 x C x h x w, float32)."""
    import torch

    device = e_opt.device
    scheduler.set_timesteps(steps, device=device)
    z = torch.randn((1,) + tuple(shape[1:]), generator=torch.Generator("cpu").manual_seed(seed))
    z = z.to(device) * scheduler.init_noise_sigma
    with torch.no_grad():
        for k, timestep in enumerate(scheduler.timesteps):
            t = steps - k  # this step takes I_t to I_{t-1}
            condition = guidance_embedding(t, e_a_hat, e_opt)
            z_in = scheduler.scale_model_input(torch.cat([z, z]), timestep)
            eps_null, eps_text = unet_eps(unet, z_in, timestep.expand(2),
                                          torch.cat([e_null, condition]), extra).chunk(2)
            eps = eps_null + guidance * (eps_text - eps_null)
            out = scheduler.step(eps, timestep, z)
            z = out.prev_sample
            if progress is not None:
                progress(k + 1, steps, out.pred_original_sample)
    return z


# -- 7. decoding ---------------------------------------------------------------------------------
def decode_latents(pipe, z, size: tuple[int, int]) -> np.ndarray:
    """Scaled latents -> (height, width, 3) uint8 at `size` (width, height)."""
    import cv2
    import torch

    vae = pipe.vae
    upcast = vae.dtype == torch.float16 and bool(getattr(vae.config, "force_upcast", False))
    dtype = torch.float32 if upcast else vae.dtype
    if upcast:  # VAEs that overflow in float16 decode in float32, as their pipelines do
        vae.to(dtype=torch.float32)
    try:
        with torch.no_grad():
            scaling = float(vae.config.scaling_factor or 1.0)
            decoded = vae.decode((z / scaling).to(dtype)).sample
    finally:
        if upcast:
            vae.to(dtype=torch.float16)
    picture = np.clip(from_planes(decoded[0].float().cpu().numpy(), 0.5, 0.5), 0.0, 1.0)
    picture = cv2.resize(picture, size, interpolation=cv2.INTER_CUBIC)
    return to_uint8(picture)


def _preview(x0, picture: np.ndarray):
    """Predicted latents -> a small RGB preview (a linear fit on the picture's own latents)."""
    linear = LinearPreview(x0[0].float().cpu().numpy(), picture)
    return lambda z0: linear(z0[0].float().cpu().numpy())

