import subprocess
import sys
from pathlib import Path

import pytest

from server.core.config import ConfigError, load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.timezone == "Europe/Berlin"
    assert settings.default_language == "de"
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.resolved_database_url.endswith("var/videoberatung.db")
    assert settings.resolved_public_url == "http://localhost:8080"
    assert settings.smtp_url is None


def test_public_url_follows_host_and_port_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(port=9000).resolved_public_url == "http://localhost:9000"
    monkeypatch.setenv("VB_PUBLIC_URL", "https://beratung.example.de/")
    settings = load_settings(port=9000)
    assert settings.join_link("abc") == "https://beratung.example.de/join/abc"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VB_DATABASE_URL", "postgresql://vb@db/vb")
    monkeypatch.setenv("VB_SMTP_URL", "smtp://u:p@mail.example.de:587")
    monkeypatch.setenv("VB_DEFAULT_LANGUAGE", "en")
    settings = load_settings()
    assert settings.resolved_database_url == "postgresql+asyncpg://vb@db/vb"
    assert settings.default_language == "en"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("VB_TIMEZONE", "Mars/Olympus", "VB_TIMEZONE: unknown time zone 'Mars/Olympus'"),
        ("VB_PORT", "eighty", "VB_PORT:"),
        ("VB_DEFAULT_LANGUAGE", "fr", "VB_DEFAULT_LANGUAGE:"),
        ("VB_PUBLIC_URL", "beratung.example.de", "VB_PUBLIC_URL: must be an http"),
        ("VB_DATABASE_URL", "mysql://x/y", "VB_DATABASE_URL: unsupported database 'mysql'"),
        ("VB_SMTP_URL", "mail.example.de", "VB_SMTP_URL: must look like smtp://"),
        ("VB_PHONE_NUMBER", "call us", "VB_PHONE_NUMBER: not a phone number"),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_bad_configuration_stops_the_server_with_exit_code_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "migrate", "--data-dir", str(tmp_path)],
        env={"VB_TIMEZONE": "Nowhere/Land", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=Path(__file__).parents[3], check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["videoberatung: configuration error: VB_TIMEZONE: unknown time zone "
                     "'Nowhere/Land' (use e.g. Europe/Berlin)"]


def test_smtp_password_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VB_SMTP_URL", "smtp://user:s3cret@host:notaport")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert "s3cret" not in str(error.value)
