"""Storage only: the archive of submitted revisions, append-only and sealed (SQLite or PostgreSQL).

Nothing here reads a workbook or runs a rule: the flows (egov_xl/flows) check a form and hand
the archive its rows (core.report.ArchivedValue)."""
