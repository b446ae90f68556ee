"""Apply alembic migrations from code, so `inventory migrate` needs no alembic.ini lookup."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from inventory.settings import PROJECT_ROOT


def sqlalchemy_url(dsn: str) -> str:
    """asyncpg DSN -> SQLAlchemy URL using the asyncpg driver."""
    for prefix in ("postgresql://", "postgres://"):
        if dsn.startswith(prefix):
            return "postgresql+asyncpg://" + dsn[len(prefix) :]
    return dsn


def upgrade(dsn: str, revision: str = "heads") -> None:
    """Migrate to `revision`; by default every head, so that domains added side by side
    (each revision on the last shared one) all apply."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = dsn
    command.upgrade(config, revision)
