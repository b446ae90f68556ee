"""ASGI entry point for uvicorn and other servers: `inventory.asgi:app`."""

from inventory.app import create_app

app = create_app()
