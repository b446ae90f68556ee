"""Imports of asset lists from CSV and XLSX: form 02's layout or the app's own export,
checked row by row, then added all or nothing, as a job with progress."""
