"""The registry workbook (TEMPLATE.md): import and export of households in Excel and CSV.

columns.py   the template's columns, declared once: header, aliases, parser, guide text
parsers.py   messy cell → clean value, or a Chinese message of what is expected
readers.py   safe reading: size, type by content, zip bomb, DTD, password; calamine, CSV
extent.py    how far each .xlsx sheet reaches (<dimension> and real cells), before calamine
biff.py      the same for an .xls: its compound file, BIFF cell records and DIMENSIONS
sheet.py     find the sheet and header, map columns, check every cell, duplicates
scope.py     townships and villages by name or code, within the user's scope
plan.py      match rows to households by ID number and decide what changes
bulk.py      set-based inserts and updates (executemany) on SQLite and PostgreSQL
writer.py    write a plan in chunks with one audit event per household
importer.py  the use case: modes, one transaction, ImportBatch, audit, signal
services.py  uploads, background runs, importing a checked file, the command's entry
problems.py  the problem record and its .xlsx
exporter.py  the registry in the template (.xlsx/.csv), masked unless allowed
template.py  the downloadable template with its 填写说明 sheet
forms.py     the import and export forms
audit.py     the audit record of an export
views.py     the pages: upload, preview, result, history, template, export (thin)
urls.py      their URLs (joined into app_name "registry" by anju/registry/urls.py)
nav.py       the menu entries and the home panel of imports
tasks.py     the background import (``run_import``; anju/registry/tasks.py re-exports it)
"""
