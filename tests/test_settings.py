"""Settings from the environment: every bad value is one line naming the variable."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

import pytest

from inventory.settings import PROJECT_ROOT, Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in list(os.environ):
        if name.startswith("INVENTORY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INVENTORY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INVENTORY_SECRET_KEY", "test")


def _error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env()
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults() -> None:
    settings = Settings.from_env()
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert (settings.pool_min, settings.pool_max) == (2, 10)
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert settings.metrics_allow == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
    )
    assert settings.secure_cookies is False
    assert settings.labels_per_minute == 10_000


def test_good_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "INVENTORY_PORT": " 8080 ",
        "INVENTORY_POOL_MIN": "0",
        "INVENTORY_POOL_MAX": "1",
        "INVENTORY_SECURE_COOKIES": "1",
        "INVENTORY_TRUSTED_PROXIES": "172.18.0.1, 10.0.0.0/8,::1",
        "INVENTORY_METRICS_ALLOW": "10.0.0.0/8",
        "INVENTORY_LABELS_PER_MINUTE": "20000",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.port, settings.pool_min, settings.pool_max) == (8080, 0, 1)
    assert settings.labels_per_minute == 20_000
    assert settings.secure_cookies is True
    assert settings.trusted_proxies == "172.18.0.1, 10.0.0.0/8,::1"
    assert settings.metrics_allow == (ipaddress.ip_network("10.0.0.0/8"),)


def test_trusted_proxies_may_be_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVENTORY_TRUSTED_PROXIES", "*")
    assert Settings.from_env().trusted_proxies == "*"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "INVENTORY_PORT",
            "abc",
            "INVENTORY_PORT must be a whole number from 1 to 65535, not 'abc'",
        ),
        ("INVENTORY_PORT", "0", "INVENTORY_PORT must be a whole number from 1 to 65535, not '0'"),
        ("INVENTORY_PORT", "70000", "from 1 to 65535, not '70000'"),
        ("INVENTORY_PORT", "80.5", "not '80.5'"),
        (
            "INVENTORY_TOKEN_TTL",
            "-5",
            "INVENTORY_TOKEN_TTL must be a whole number of seconds, 1 or more, not '-5'",
        ),
        ("INVENTORY_SESSION_TTL", "0", "INVENTORY_SESSION_TTL must be a whole number of seconds"),
        ("INVENTORY_SESSION_TTL", "12h", "not '12h'"),
        (
            "INVENTORY_MAX_BODY_BYTES",
            "1M",
            "INVENTORY_MAX_BODY_BYTES must be a whole number of bytes",
        ),
        ("INVENTORY_WORKERS", "0", "INVENTORY_WORKERS must be a whole number, 1 or more, not '0'"),
        ("INVENTORY_WORKERS", "", "INVENTORY_WORKERS must be a whole number, 1 or more, not ''"),
        ("INVENTORY_POOL_MIN", "-1", "INVENTORY_POOL_MIN must be a whole number, 0 or more"),
        ("INVENTORY_POOL_MAX", "0", "INVENTORY_POOL_MAX must be a whole number, 1 or more"),
        ("INVENTORY_POOL_MIN", "11", "INVENTORY_POOL_MIN (11) must not be more than"),
        ("INVENTORY_SIGN_IN_FAILURES", "many", "INVENTORY_SIGN_IN_FAILURES must be a whole number"),
        ("INVENTORY_LABELS_PER_MINUTE", "0", "INVENTORY_LABELS_PER_MINUTE must be a whole number"),
        ("INVENTORY_SECURE_COOKIES", "yes", "INVENTORY_SECURE_COOKIES must be 0 or 1, not 'yes'"),
        (
            "INVENTORY_METRICS_ALLOW",
            "bogus",
            "INVENTORY_METRICS_ALLOW must be comma-separated CIDRs",
        ),
        (
            "INVENTORY_METRICS_ALLOW",
            "10.0.0.1/8",
            "not '10.0.0.1/8' (10.0.0.1/8 has host bits set)",
        ),
        ("INVENTORY_METRICS_ALLOW", "127.0.0.1/32,300.1.1.1/32", "not '300.1.1.1/32'"),
        ("INVENTORY_TRUSTED_PROXIES", "proxy.local", "INVENTORY_TRUSTED_PROXIES must be"),
        ("INVENTORY_TRUSTED_PROXIES", "10.0.0.0/33", "not '10.0.0.0/33'"),
        ("INVENTORY_TRUSTED_PROXIES", "127.0.0.1,*", "not '*'"),
        ("INVENTORY_TAG_PREFIX", "ab", "INVENTORY_TAG_PREFIX: tag prefix 'ab'"),
        ("INVENTORY_PUBLIC_BASE_URL", "kiemke.example", "INVENTORY_PUBLIC_BASE_URL: "),
        ("INVENTORY_HOST", " ", "INVENTORY_HOST must be an address or host name"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    assert expected in _error(monkeypatch, **{name: value})


def test_a_bad_setting_is_one_line_and_status_2() -> None:
    env = {**os.environ, "INVENTORY_PORT": "abc"}
    done = subprocess.run(
        [sys.executable, "-m", "inventory.cli", "serve"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "inventory: INVENTORY_PORT must be a whole number from 1 to 65535, not 'abc'\n"
    )
    assert done.stdout == ""


def test_smtp_is_off_unless_a_host_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().smtp is None
    for name in ("HOST", "PORT", "SECURITY", "FROM"):  # as docker-compose passes them unset
        monkeypatch.setenv(f"INVENTORY_SMTP_{name}", "")
    assert Settings.from_env().smtp is None
    monkeypatch.setenv("INVENTORY_SMTP_HOST", "mail.stc.example")
    monkeypatch.setenv("INVENTORY_SMTP_FROM", "kiemke@stc.example")
    smtp = Settings.from_env().smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.security, smtp.user) == (
        "mail.stc.example",
        587,
        "starttls",
        "",
    )
    monkeypatch.setenv("INVENTORY_SMTP_SECURITY", "ssl")
    assert Settings.from_env().smtp.port == 465


def test_bad_smtp_settings_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVENTORY_SMTP_HOST", "mail.stc.example")
    assert "INVENTORY_SMTP_FROM" in _error(monkeypatch)
    monkeypatch.setenv("INVENTORY_SMTP_FROM", "kiemke@stc.example")
    assert "INVENTORY_SMTP_SECURITY" in _error(monkeypatch, INVENTORY_SMTP_SECURITY="tls13")
    monkeypatch.setenv("INVENTORY_SMTP_SECURITY", "none")
    assert "INVENTORY_SMTP_PORT" in _error(monkeypatch, INVENTORY_SMTP_PORT="smtp")
