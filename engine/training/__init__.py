"""Training: dataset folders and trainers launched with accelerate.

Trainers (`accelerate launch -m engine.training.<name> --config RUN.json [--resume]`):
  train_rgba_vae     fine-tune the RGBA VAE of the BFS foreground branch
  train_compositor   pre-train the latent compositor of the composition loss
  train_bfs          BFS stage 1 (layered data) and stage 2 (realism + regularisation)
Shared parts: config (JSON run settings), data (dataset layout, per-step batches),
loop (the accelerate loop), checkpoint (safetensors checkpoints), bfs_objective
(eqs. 6-10), encode_cache (optional cache of the frozen encoders' outputs), toy_data
(a toy dataset for tests and smoke runs).
"""
