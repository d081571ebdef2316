"""The shared server: the ASGI app egov-xl runs and what each server process holds.

The app is xlwings Server behind egov-xl's own guards; a process holds its settings and its
archive (runtime.py)."""
