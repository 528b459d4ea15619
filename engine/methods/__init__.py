"""One readable module per user operation, each shaped like a diffusers pipeline.

A method takes a request dataclass and a `progress(step, total, preview)`
callback, checks its inputs first (raising `engine.errors.InvalidInput` with a
clear message), runs its steps in order and returns a result dataclass.
"""
