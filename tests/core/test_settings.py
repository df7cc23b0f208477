from pathlib import Path

import pytest

from newswatch.errors import ConfigError
from newswatch.settings import Settings, default_config_path, load_settings


def test_packaged_defaults_read_the_seeds() -> None:
    settings = load_settings(default_config_path(), env={})
    assert [s.name for s in settings.sources] == ["seeds"]
    assert settings.sources[0].path is not None
    assert (settings.sources[0].path / "000_b465749b502def42.txt").exists()
    assert settings.warehouse.path == Path("data/newswatch.duckdb")
    assert settings.topics.taxonomy.name == "topics.toml"


def test_precedence_defaults_then_file_then_environment_then_arguments(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[fetch]\nuser_agent = "from-file"\nread_timeout = 5\n[warehouse]\npath = "file.duckdb"\n',
        encoding="utf-8",
    )
    # Defaults where the file is silent.
    s = load_settings(config, env={})
    assert s.fetch.user_agent == "from-file"
    assert s.fetch.read_timeout == 5
    assert s.fetch.connect_timeout == Settings().fetch.connect_timeout
    assert s.warehouse.path == Path("file.duckdb")
    # The environment beats the file.
    env = {"NEWSWATCH_FETCH__USER_AGENT": "from-env", "NEWSWATCH_DB": "env.duckdb"}
    s = load_settings(config, env=env)
    assert s.fetch.user_agent == "from-env"
    assert s.fetch.read_timeout == 5  # untouched by the environment
    assert s.warehouse.path == Path("env.duckdb")
    # An explicit --db beats the environment.
    s = load_settings(config, env=env, db="arg.duckdb")
    assert s.warehouse.path == Path("arg.duckdb")


def test_config_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text('[[sources]]\nname = "x"\nkind = "files"\npath = "docs"\n', encoding="utf-8")
    s = load_settings(env={"NEWSWATCH_CONFIG": str(config)})
    assert s.sources[0].name == "x"
    assert s.sources[0].path == (tmp_path / "docs").resolve()  # relative to the file


def test_settings_are_frozen() -> None:
    s = load_settings(default_config_path(), env={})
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type is private
        s.fetch.user_agent = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        (
            '[[sources]]\nname = "a"\nkind = "files"\npath = "x"\n\n[[sources]]\nname = "b"\nkind = "rss"\n'
            'url = "http://x"\n',
            "sources.1.kind",
            8,
        ),
        ('[[sources]]\nname = "a"\nkind = "feed"\n', "needs a url", 1),
        ("[fetch]\nread_timeout = -1\n", "fetch.read_timeout", 2),
        ("[fetch]\nuser_agnet = 'x'\n", "user_agnet", 2),
        ("[fetch\n", "invalid TOML", None),
    ],
)
def test_invalid_configuration_names_file_line_and_reason(
    tmp_path: Path, text: str, needle: str, line: int | None
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(config, env={})
    message = str(info.value)
    assert str(config) in message
    assert needle in message
    if line is not None:
        assert f"{config}:{line}:" in message


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read configuration"):
        load_settings(tmp_path / "nope.toml", env={})
