"""Import of records from CSV and XLSX files, streamed and validated row by row.

An app describes what it imports with an `Importer` (columns, how to clean one row, how to write
a batch) and registers it in `registry`; `runner.run_import` does the rest: it reads the file in
batches, keeps the valid rows, reports the others by row, column, value and message, and commits
either the valid rows or nothing. Every run is an `ImportRun`.
"""
