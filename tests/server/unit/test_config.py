import subprocess
import sys
import types
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


# Every setting, malformed ------------------------------------------------------------

ROOT = Path(__file__).parents[3]
LOAD_LIKE_THE_CLI = "from server.core.config import load_settings_or_exit; load_settings_or_exit()"
# Settings whose type accepts almost any text: a value that their own rule refuses.
MALFORMED_TEXT = {
    "data_dir": "{a_file}",
    "database_url": "mysql://x/y",
    "host": "my host",
    "public_url": "beratung.example.de",
    "organisation_name": "",
    "phone_number": "call us",
    "timezone": "Mars/Olympus",
    "mail_from": "nobody",
    "smtp_url": "mail.example.de",
    "smtp_ca_file": "/nonexistent/ca.pem",
    "redis_url": "localhost:6379",
    "turn_secret": "short",
    "metrics_token": "short",
}


def malformed_value(name: str, annotation: object) -> str:
    """A value of the wrong shape for the setting's type, or from its own rule's table."""
    import typing

    options = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = options[0] if typing.get_origin(annotation) in (typing.Union, types.UnionType) \
        else annotation
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if typing.get_origin(base) is typing.Literal:
        return "no-such-choice"
    if typing.get_origin(base) is list:
        return '["not closed'
    if base is bool:
        return "maybe"
    if base in (int, float):
        return "twelve"
    assert name in MALFORMED_TEXT, f"add a malformed example of VB_{name.upper()} here"
    return MALFORMED_TEXT[name]


def test_every_setting_with_a_malformed_value_stops_start_up_naming_it(tmp_path: Path) -> None:
    """Walks all fields of Settings, so a new setting joins by itself."""
    from server.core.config import ENV_PREFIX, Settings

    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    # Run from an empty folder (no .env); the package is found through PYTHONPATH.
    base_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    runs = {}
    for name, field in Settings.model_fields.items():
        variable = f"{ENV_PREFIX}{name.upper()}"
        value = malformed_value(name, field.annotation).format(a_file=a_file)
        runs[variable] = subprocess.Popen(
            [sys.executable, "-c", LOAD_LIKE_THE_CLI], env={**base_env, variable: value},
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
    assert len(runs) == len(Settings.model_fields)
    for variable, process in runs.items():
        stdout, stderr = process.communicate(timeout=60)
        lines = stderr.strip().splitlines()
        assert process.returncode == 2, (variable, stderr)
        assert len(lines) == 1 and f"configuration error: {variable}:" in lines[0], (
            variable, stderr)
        assert stdout == ""


@pytest.mark.parametrize("value", ["turn:turn.example.de:3478",
                                   "turn:a.example.de:3478, turns:b.example.de:5349",
                                   '["turn:turn.example.de:3478"]'])
def test_lists_take_comma_separated_values_or_json(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("VB_TURN_URLS", value)
    urls = load_settings().turn_urls
    assert urls and all(url.startswith(("turn:", "turns:")) for url in urls)
    assert len(urls) == value.count(",") + 1


def test_serve_with_a_malformed_list_stops_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--data-dir", str(tmp_path)],
        env={"VB_STUN_URLS": "http://stun.example.de", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "videoberatung: configuration error: VB_STUN_URLS: 'http://stun.example.de' is not "
        "a stun:, turn: or turns: URL"]
