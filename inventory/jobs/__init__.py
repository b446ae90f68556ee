"""Background jobs: work too long for a request (large label runs, imports, reports).

A domain registers a job kind (`kinds.register`), a route enqueues a job in the caller's
transaction (`kinds.enqueue`), and `inventory worker` (`worker.run`) runs it; users
follow it at `/api/v1/jobs/{id}` and `/jobs/{id}`, and download its result file.
"""
