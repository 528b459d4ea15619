"""The latent compositor C(z_f, z_b) -> z_c of the BFS composition loss (eq. 7).

Alpha blending does not commute with a VAE encoder, so "foreground over
background" in latent space is learned: a small convolutional network takes
the foreground latent (RGBA VAE) and the background latent (RGB VAE) of the
same size and predicts the composite latent (RGB VAE). It predicts a
correction to the background latent, because away from the foreground the
composite is the background. It is trained on its own
(`engine.training.train_compositor`) and frozen while BFS trains.

Works on unpacked latents, (B, C, h, w).
"""
from __future__ import annotations

import torch
from torch import nn

from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin


class LatentCompositor(ModelMixin, ConfigMixin):
    @register_to_config
    def __init__(self, latent_channels: int = 16, hidden_channels: int = 128, num_layers: int = 4):
        super().__init__()
        if num_layers < 2:
            raise ValueError("the compositor needs at least 2 layers")
        layers: list[nn.Module] = [nn.Conv2d(2 * latent_channels, hidden_channels, 3, padding=1)]
        for _ in range(num_layers - 2):
            layers += [nn.SiLU(), nn.Conv2d(hidden_channels, hidden_channels, 3, padding=1)]
        layers += [nn.SiLU(), nn.Conv2d(hidden_channels, latent_channels, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, foreground: torch.Tensor, background: torch.Tensor) -> torch.Tensor:
        return background + self.net(torch.cat([foreground, background], dim=1))
