"""egov-xl: checks the e-government annex of the Vietnamese administrative-reform report.

Data flows one way: ``workbook`` (read a file into grids) → ``core.locate`` (find the form
table) → ``core.values`` (read Vietnamese numbers) → ``core.rules`` (checks) →
``core.findings`` → ``output`` (text, JSON, CSV, annotated workbook).
"""

__version__ = "0.3.2"  # the release (pyproject reads it; CHANGELOG.md says what changed)
