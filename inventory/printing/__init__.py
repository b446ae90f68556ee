"""Printing: QR labels of assets, blank batches and rooms, from the API, the CLI and jobs."""
