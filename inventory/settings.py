"""Settings, read once from environment variables (the README lists them all)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    data_dir: Path
    host: str
    port: int
    secret_key: str
    public_base_url: str
    tag_prefix: str
    token_ttl_seconds: int
    session_ttl_seconds: int
    max_body_bytes: int
    pool_min: int
    pool_max: int
    workers: int
    secure_cookies: bool
    login_rate_per_minute: int
    trusted_proxies: str
    metrics_allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        host = env.get("INVENTORY_HOST", "127.0.0.1")
        data_dir = Path(env.get("INVENTORY_DATA_DIR", PROJECT_ROOT / ".pgdata"))
        port = int(env.get("INVENTORY_PORT", "8000"))
        return cls(
            database_url=env.get("INVENTORY_DATABASE_URL") or None,
            data_dir=data_dir,
            host=host,
            port=port,
            # A random key per process would break sessions across workers, so
            # development derives a stable one from the data dir; production sets it.
            secret_key=env.get("INVENTORY_SECRET_KEY") or _dev_secret(data_dir),
            public_base_url=env.get("INVENTORY_PUBLIC_BASE_URL", f"http://{host}:{port}").rstrip(
                "/"
            ),
            tag_prefix=env.get("INVENTORY_TAG_PREFIX", "52"),
            token_ttl_seconds=int(env.get("INVENTORY_TOKEN_TTL", str(8 * 3600))),
            session_ttl_seconds=int(env.get("INVENTORY_SESSION_TTL", str(12 * 3600))),
            max_body_bytes=int(env.get("INVENTORY_MAX_BODY_BYTES", str(1024 * 1024))),
            pool_min=int(env.get("INVENTORY_POOL_MIN", "2")),
            pool_max=int(env.get("INVENTORY_POOL_MAX", "10")),
            workers=int(env.get("INVENTORY_WORKERS", "1")),
            secure_cookies=env.get("INVENTORY_SECURE_COOKIES", "0") == "1",
            login_rate_per_minute=int(env.get("INVENTORY_LOGIN_RATE", "20")),
            # uvicorn takes the client address from X-Forwarded-For only from these peers.
            trusted_proxies=env.get("INVENTORY_TRUSTED_PROXIES", "127.0.0.1"),
            metrics_allow=tuple(
                ipaddress.ip_network(cidr.strip())
                for cidr in env.get("INVENTORY_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",")
                if cidr.strip()
            ),
        )


def _dev_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
