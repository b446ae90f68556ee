"""One public base URL for the deployment: stored at first start, used by server and CLI."""

from __future__ import annotations

import pytest

from inventory.cli import main
from tests.world import World


def test_the_first_start_stored_the_base_url_and_commands_read_it(
    world: World, database_url: str, monkeypatch, capsys, sql, request
) -> None:
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    stored = sql("SELECT value FROM deployment_settings WHERE key = 'public_base_url'")
    assert stored[0]["value"] == "http://127.0.0.1:8000"  # the test server's, at its start
    monkeypatch.setenv("INVENTORY_PUBLIC_BASE_URL", "http://another.example:9000")
    main(["base-url"])
    assert capsys.readouterr().out.strip() == "http://127.0.0.1:8000"

    main(["base-url", "set", "https://kiemke.gialai.gov.vn/"])
    request.addfinalizer(lambda: main(["base-url", "set", "http://127.0.0.1:8000"]))
    assert "kiemke.gialai.gov.vn" in capsys.readouterr().out
    main(["base-url"])
    assert capsys.readouterr().out.strip() == "https://kiemke.gialai.gov.vn"
    event = sql(
        "SELECT chain, before ->> 'value' AS old, after ->> 'value' AS new FROM events"
        " WHERE entity = 'setting' ORDER BY id DESC LIMIT 1"
    )[0]
    assert (event["chain"], event["old"], event["new"]) == (
        0,
        "http://127.0.0.1:8000",
        "https://kiemke.gialai.gov.vn",
    )


@pytest.mark.parametrize("url", ["http://0.0.0.0:8000", "https://host/kiemke", "host:8000"])
def test_a_base_url_the_server_would_refuse_is_refused(
    database_url: str, monkeypatch, capsys, url: str
) -> None:
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    with pytest.raises(SystemExit) as refused:
        main(["base-url", "set", url])
    assert refused.value.code == 2
    assert "public base URL" in capsys.readouterr().err


def test_a_shell_naming_0000_prints_nothing(database_url: str, monkeypatch, capsys) -> None:
    """INVENTORY_HOST=0.0.0.0 is where a server listens; as a label address it is refused."""
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    monkeypatch.setenv("INVENTORY_PUBLIC_BASE_URL", "http://0.0.0.0:8000")
    with pytest.raises(SystemExit) as refused:
        main(["labels", "--batch", "1", "-o", "-"])
    assert refused.value.code == 2
    assert "INVENTORY_PUBLIC_BASE_URL" in capsys.readouterr().err
