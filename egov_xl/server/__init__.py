"""The shared server: the ASGI app egov-xl runs (xlwings Server behind egov-xl's own guards)
and what each server process holds (its settings, its archive)."""
