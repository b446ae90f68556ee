"""Database access: the pool, the embedded server, migrations and shared SQL helpers."""
