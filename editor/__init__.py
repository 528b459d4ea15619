"""The desktop application: a document model (no widgets), the Qt user interface and engine jobs."""
