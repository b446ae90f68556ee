"""Documents rendered from plain data: A4 PDFs, streamed XLSX and CSV (no database, no web)."""
