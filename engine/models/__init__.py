"""Model catalogue, finding and loading weights (safetensors only), devices and dtypes.

- `catalogue`: the models Layered knows (resources/models.json), no torch needed;
- `locate`: finds a model as a folder, a .safetensors file or in the Hugging Face cache;
- `devices`: device/dtype choice, memory-saving switches, out-of-memory handling;
- `loading`: builds the diffusers pipeline and keeps the last one loaded;
- `convert`: explicit pickle -> safetensors conversion;
- `download`: fetching a catalogue model, only when the user asks.
"""
