"""Workbook templates: a clean template built from an edition, filled with a form's values."""
