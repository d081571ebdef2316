"""The use cases: check a file, compare it with the archive, archive it, consolidate units,
stamp a checked file. Adapters (CLI, add-in, web pages) call these; they call core and storage."""
