"""Model catalogue, finding and loading weights (safetensors only), devices and dtypes."""
