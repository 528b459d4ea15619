"""Downloading a catalogue model into the Hugging Face cache, only when the user asks.

`download_model(model_id, progress, token)` fetches the files the catalogue
lists for the model with huggingface_hub's `snapshot_download`, reporting
bytes through `progress(done, total)` and stopping when the `CancelToken` is
set. Offline (HF_HUB_OFFLINE, or no connection) it fails with a message that
explains how to place the files by hand.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from ..errors import Cancelled, EngineError, ModelError
from ..progress import CancelToken, ProgressFn, no_progress
from .catalogue import Catalogue, ModelInfo, load_catalogue
from .locate import hub_cache_dir


def manual_instructions(info: ModelInfo, cache_dir: Path) -> str:
    include = " ".join(f'"{p}"' for p in info.files) if info.files else ""
    gated = " Accept its licence on the model page and log in first (`hf auth login`)." \
        if info.gated else ""
    return (f"To place the files by hand: on a computer with internet, run "
            f"`hf download {info.id}{' --include ' + include if include else ''}`.{gated} "
            f"Then copy its folder models--{info.id.replace('/', '--')} from that computer's "
            f"Hugging Face cache into {cache_dir} here. Or download the diffusers folder from "
            f"https://huggingface.co/{info.id} and choose that folder as the model.")


def _progress_bar_class(progress: ProgressFn, token: Optional[CancelToken]):
    """A tqdm class for snapshot_download that forwards byte counts and honours cancel."""
    from tqdm.auto import tqdm

    class Reporter(tqdm):
        def __init__(self, *args, **kwargs):
            self.counts_bytes = kwargs.get("unit") == "B"  # not the files-done bar
            kwargs["disable"] = True  # report through `progress`, never to the terminal
            super().__init__(*args, **kwargs)

        def update(self, n=1):
            if token is not None:
                token.check()
            self.n += n or 0
            if self.counts_bytes and self.total:
                progress(int(min(self.n, self.total)), int(self.total))
            return True

    return Reporter


def download_model(model_id: str, progress: ProgressFn = no_progress, *,
                   token: Optional[CancelToken] = None, cache_dir: str | os.PathLike | None = None,
                   endpoint: Optional[str] = None, catalogue: Optional[Catalogue] = None) -> Path:
    """Downloads a catalogue model's files into the hub cache; returns the snapshot folder."""
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import (GatedRepoError, HfHubHTTPError, LocalEntryNotFoundError,
                                        RepositoryNotFoundError)

    catalogue = catalogue if catalogue is not None else load_catalogue()
    info = catalogue.get(model_id)
    if info is None:
        raise ModelError(f"'{model_id}' is not in the model catalogue, so it is not downloaded.",
                         "Choose a model the Models dialog lists.")
    cache = Path(cache_dir) if cache_dir is not None else hub_cache_dir()
    if constants.HF_HUB_OFFLINE:
        raise ModelError(f"Downloads are switched off (HF_HUB_OFFLINE is set), so "
                         f"'{model_id}' ({info.download_gb:g} GB) cannot be downloaded.",
                         manual_instructions(info, cache))
    try:
        folder = snapshot_download(model_id, cache_dir=cache, endpoint=endpoint,
                                   allow_patterns=list(info.files) or None,
                                   tqdm_class=_progress_bar_class(progress, token))
    except (Cancelled, EngineError):
        raise
    except GatedRepoError:
        raise ModelError(f"'{model_id}' is gated: its licence must be accepted first.",
                         f"Accept it on https://huggingface.co/{model_id}, log in with "
                         "`hf auth login`, then download again.") from None
    except RepositoryNotFoundError:
        raise ModelError(f"The Hugging Face hub has no model '{model_id}'.") from None
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
        raise ModelError(f"'{model_id}' could not be downloaded: the Hugging Face hub cannot be "
                         f"reached from this computer ({type(exc).__name__}).",
                         manual_instructions(info, cache)) from None
    return Path(folder)
