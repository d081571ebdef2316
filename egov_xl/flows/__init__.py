"""The use cases: check a file, compare it with the archive, archive it, consolidate units.

check.py (check a file or a workbook, pick the one form), compare.py, archive.py (put),
consolidate.py; stamping a checked file joins them. Adapters (CLI, add-in, web pages) call
these; they call core, output and the archive (storage)."""
