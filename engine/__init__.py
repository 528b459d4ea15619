"""Layered synthesis engine: turns images, boxes and prompts into RGBA layers.

The engine never imports Qt and never imports torch at package import time;
methods import torch lazily so that the editor and the command line start fast.
It takes and returns plain numpy arrays (8-bit straight RGBA / RGB) plus small
request/result dataclasses, so it serves the editor, the command line and
scripts alike.
"""
