"""The use cases: check a file, compare it with the archive, archive it, consolidate units.

check.py (check a file or a workbook, pick the one form), compare.py, archive.py (put),
consolidate.py; review.py (the office's decisions), board.py (the unit tree, revisions and
reviews the office reads), units.py (the reporting units); stamping a checked file joins them.
Adapters (CLI, add-in, web pages) call these and hold only the archive's handle; these call
core, output and the archive (storage)."""
