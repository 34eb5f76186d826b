"""Training: recipes, data pipeline, losses, the loop, resume state, DDP."""
