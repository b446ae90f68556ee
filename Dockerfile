# The app image: the same package `make run` installs, configured only by environment.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --system --uid 10001 inventory

COPY pyproject.toml README.md alembic.ini ./
COPY inventory ./inventory
COPY labels ./labels
COPY migrations ./migrations
RUN pip install .

USER inventory
ENV INVENTORY_HOST=0.0.0.0 INVENTORY_PORT=8000
EXPOSE 8000
CMD ["inventory", "serve"]
