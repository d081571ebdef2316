"""Thin adapters between the Excel add-in (xlwings Server, Office.js) and the engine.

functions.py  EGOV.* custom functions      scripts.py  the ribbon and task-pane scripts
book.py       xw.Book ↔ grids and marks     access.py   who may read and archive which unit
"""
