"""Outputs a coordinator reads: roster tables (CSV/XLSX), calendars, reports.

Every file is written whole or not at all (see :mod:`scheduler.export.files`).
"""
