"""Training: dataset folders and trainers launched with accelerate."""
