"""Settings, read once from environment variables (the README lists them all)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and what it takes."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    data_dir: Path
    host: str
    port: int
    secret_key: str
    public_base_url: str
    public_base_url_given: bool  # set in the environment, not derived from host and port
    tag_prefix: str
    token_ttl_seconds: int
    session_ttl_seconds: int
    max_body_bytes: int
    pool_min: int
    pool_max: int
    workers: int
    secure_cookies: bool
    sign_in_failures: int  # per login in 15 minutes (per address: ten times as many)
    labels_per_minute: int  # labels one account renders a minute, synchronously
    trusted_proxies: str
    metrics_allow: tuple[Network, ...]
    smtp: Smtp | None = None  # None: notifications are in the app only
    signature_trust_roots: Path | None = None  # PEM file of the CAs whose signers are "trusted"
    pg_bin: Path | None = None  # the folder of pg_dump and pg_restore (else PATH's)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in `env` (the process environment by default).

        Raises SettingsError, with one line for the user, on the first bad value.
        """
        env = os.environ if env is None else env
        host = env.get("INVENTORY_HOST", "127.0.0.1").strip()
        if not host:
            raise SettingsError("INVENTORY_HOST must be an address or host name, not empty")
        data_dir = Path(env.get("INVENTORY_DATA_DIR", PROJECT_ROOT / ".pgdata"))
        port = _int(env, "INVENTORY_PORT", 8000, 1, 65535)
        pool_min = _int(env, "INVENTORY_POOL_MIN", 2, 0)
        pool_max = _int(env, "INVENTORY_POOL_MAX", 10, 1)
        if pool_min > pool_max:
            raise SettingsError(
                f"INVENTORY_POOL_MIN ({pool_min}) must not be more than"
                f" INVENTORY_POOL_MAX ({pool_max})"
            )
        # A server listening on every address is reached by its name, not by 0.0.0.0.
        reachable = socket.gethostname() if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        given = env.get("INVENTORY_PUBLIC_BASE_URL")
        public_base_url = (given or f"http://{reachable}:{port}").rstrip("/")
        tag_prefix = env.get("INVENTORY_TAG_PREFIX", "52")
        _check_labels(tag_prefix, public_base_url)
        return cls(
            database_url=env.get("INVENTORY_DATABASE_URL") or None,
            data_dir=data_dir,
            host=host,
            port=port,
            # A random key per process would break sessions across workers, so
            # development derives a stable one from the data dir; production sets it.
            secret_key=env.get("INVENTORY_SECRET_KEY") or _dev_secret(data_dir),
            public_base_url=public_base_url,
            public_base_url_given=bool(given),
            tag_prefix=tag_prefix,
            token_ttl_seconds=_int(env, "INVENTORY_TOKEN_TTL", 8 * 3600, 1, unit="seconds"),
            session_ttl_seconds=_int(env, "INVENTORY_SESSION_TTL", 12 * 3600, 1, unit="seconds"),
            max_body_bytes=_int(env, "INVENTORY_MAX_BODY_BYTES", 1024 * 1024, 1, unit="bytes"),
            pool_min=pool_min,
            pool_max=pool_max,
            workers=_int(env, "INVENTORY_WORKERS", 1, 1),
            secure_cookies=_flag(env, "INVENTORY_SECURE_COOKIES", default=False),
            sign_in_failures=_int(env, "INVENTORY_SIGN_IN_FAILURES", 10, 1),
            labels_per_minute=_int(env, "INVENTORY_LABELS_PER_MINUTE", 10_000, 1),
            # uvicorn takes the client address from X-Forwarded-For only from these peers.
            trusted_proxies=_trusted_proxies(env),
            metrics_allow=_networks(env, "INVENTORY_METRICS_ALLOW", "127.0.0.1/32,::1/128"),
            smtp=_smtp(env),
            signature_trust_roots=_file(env, "INVENTORY_SIGNATURE_TRUST_ROOTS"),
            pg_bin=_folder(env, "INVENTORY_PG_BIN"),
        )


@dataclass(frozen=True, slots=True)
class Smtp:
    """The SMTP server notifications are e-mailed through (INVENTORY_SMTP_*)."""

    host: str
    port: int
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"  # starttls, ssl (implicit TLS) or none
    timeout: float = 20.0


SMTP_SECURITY = ("starttls", "ssl", "none")


def _smtp(env: Mapping[str, str]) -> Smtp | None:
    # Set but empty is unset (docker-compose passes every variable it names).
    env = {k: v for k, v in env.items() if k.startswith("INVENTORY_SMTP_") and v.strip()}
    host = env.get("INVENTORY_SMTP_HOST", "").strip()
    if not host:
        return None
    security = env.get("INVENTORY_SMTP_SECURITY", "starttls").strip().lower()
    if security not in SMTP_SECURITY:
        raise SettingsError(
            f"INVENTORY_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}"
        )
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    sender = env.get("INVENTORY_SMTP_FROM", "").strip()
    if "@" not in sender:
        raise SettingsError(
            "INVENTORY_SMTP_FROM must be the sender's address (e.g. kiemke@stc.gialai.gov.vn)"
            f" when INVENTORY_SMTP_HOST is set, not {sender!r}"
        )
    return Smtp(
        host=host,
        port=_int(env, "INVENTORY_SMTP_PORT", default_port, 1, 65535),
        sender=sender,
        user=env.get("INVENTORY_SMTP_USER", ""),
        password=env.get("INVENTORY_SMTP_PASSWORD", ""),
        security=security,
        timeout=float(_int(env, "INVENTORY_SMTP_TIMEOUT", 20, 1, 600, unit="seconds")),
    )


def _int(
    env: Mapping[str, str],
    name: str,
    default: int,
    minimum: int,
    maximum: int | None = None,
    unit: str = "",
) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is not None and value >= minimum and (maximum is None or value <= maximum):
        return value
    number = f"a whole number of {unit}" if unit else "a whole number"
    bounds = f" from {minimum} to {maximum}," if maximum is not None else f", {minimum} or more,"
    raise SettingsError(f"{name} must be {number}{bounds} not {raw!r}")


def _file(env: Mapping[str, str], name: str) -> Path | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not path.is_file():
        raise SettingsError(f"{name} must name a readable file, not {raw!r}")
    return path


def _folder(env: Mapping[str, str], name: str) -> Path | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not path.is_dir():
        raise SettingsError(f"{name} must name a folder, not {raw!r}")
    return path


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    if raw.strip() in ("0", "1"):
        return raw.strip() == "1"
    raise SettingsError(f"{name} must be 0 or 1, not {raw!r}")


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _networks(env: Mapping[str, str], name: str, default: str) -> tuple[Network, ...]:
    networks = []
    for item in _items(env.get(name, default)):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as exc:
            raise SettingsError(
                f"{name} must be comma-separated CIDRs such as 10.0.0.0/8 or ::1/128,"
                f" not {item!r} ({_reason(exc)})"
            ) from None
    return tuple(networks)


def _trusted_proxies(env: Mapping[str, str]) -> str:
    name = "INVENTORY_TRUSTED_PROXIES"
    raw = env.get(name, "127.0.0.1")
    if raw.strip() == "*":  # uvicorn: trust every peer (only behind a proxy that always sets it)
        return "*"
    for item in _items(raw):
        try:
            if "/" in item:
                ipaddress.ip_network(item)
            else:
                ipaddress.ip_address(item)
        except ValueError as exc:
            raise SettingsError(
                f"{name} must be comma-separated addresses or CIDRs such as 172.18.0.1 or"
                f" 10.0.0.0/8 (or * alone), not {item!r} ({_reason(exc)})"
            ) from None
    return raw


def _reason(exc: ValueError) -> str:
    reason = str(exc)
    return "not an IP address or network" if "does not appear to be" in reason else reason


def _check_labels(tag_prefix: str, public_base_url: str) -> None:
    """What labels need of the prefix and the base URL, checked before the server starts."""
    from inventory.tagcodes import check_base_url, check_prefix

    for name, check, value in (
        ("INVENTORY_TAG_PREFIX", check_prefix, tag_prefix),
        ("INVENTORY_PUBLIC_BASE_URL", check_base_url, public_base_url),
    ):
        try:
            check(value)
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None


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
