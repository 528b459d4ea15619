"""Network code: the dual-branch wrapper, the RGBA VAE and small built-in nets.

Modules (each imports torch/diffusers itself; importing this package does not):
  dual_branch            BFS dual-branch transformer: attention processors + per-direction peft LoRAs
  fill_layout            Flux-Fill token layout: packed latents, packed mask, image ids
  fill_backbone          frozen inpainting backbones (FLUX.1-Fill-dev folder, our tiny one) behind one interface
  tiny_fill_transformer  small Flux-style inpainting transformer with a hashed-word text table
  rgba_vae               4-channel AutoencoderKL initialised from an RGB VAE
  compositor             latent compositor C(z_f, z_b) -> z_c of the composition loss
  bfs_model              a trained BFS model folder: load and save
  bfs_folder             the BFS folder format (settings file, part names), no torch
  bfs_devices            where a BFS model's parts live: resident, model or sequential CPU offload
  bfs_release            import of the authors' released checkpoint (models import-bfs)
"""
