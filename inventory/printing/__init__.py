"""Printing: QR labels of assets and blank batches, from the API, the command line and jobs."""
