"""Helpers for tests and benchmarks: tiny random-weight models that load like real ones."""
