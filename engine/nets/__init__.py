"""Network code: the dual-branch wrapper, the RGBA VAE and small built-in nets."""
