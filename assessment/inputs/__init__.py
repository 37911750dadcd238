"""Shared input helpers: http and its budget, workbooks, sheet cells, periods, CSV records."""
