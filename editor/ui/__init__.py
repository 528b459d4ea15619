"""The desktop user interface (PySide6): main window, canvas, panels, tools and dialogs.

Widgets here only observe the document model (its signals) and change it
through the `Document` operations, so every change is one undoable step.
"""
