"""Renderers: one document model (model.py) drives HTML/PDF and DOCX output."""
