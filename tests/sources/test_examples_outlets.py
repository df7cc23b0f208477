"""sources/examples/outlets.toml: a real configuration that loads, its URLs checked for form offline
(never fetched)."""

from __future__ import annotations

import re
from importlib import resources
from urllib.parse import urlsplit

from newswatch.settings import default_config_path, load_settings
from newswatch.sources.examples import OUTLETS

HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")


def test_the_outlets_configuration_loads_with_well_formed_web_sources() -> None:
    settings = load_settings(OUTLETS, env={})
    assert len(settings.sources) >= 30
    hosts = set()
    for spec in settings.sources:
        assert spec.kind in ("feed", "sitemap"), spec
        assert spec.url == spec.url.strip() and " " not in spec.url, spec
        parts = urlsplit(spec.url)
        assert parts.scheme in ("http", "https") and HOST.match(parts.hostname or ""), spec
        assert not parts.username and not parts.password and parts.port is None, spec
        hosts.add(parts.hostname or "")
    # The seeds' subject from every side: Pakistani, Chinese, Afghan, Indian, international, wires.
    for outlet in (
        "dawn.com", "tribune.com.pk", "geo.tv", "app.com.pk", "xinhuanet.com", "globaltimes.cn",
        "cgtn.com", "tolonews.com", "pajhwok.com", "ariananews.af", "thehindu.com",
        "indianexpress.com", "reuters.com", "apnews.com", "aljazeera.com", "bbci.co.uk",
    ):  # fmt: skip
        assert any(h == outlet or h.endswith("." + outlet) for h in hosts), outlet
    assert {s.kind for s in settings.sources} == {"feed", "sitemap"}
    # A desk's politeness: one request at a time per outlet, robots.txt obeyed, no private hosts.
    fetch = settings.fetch
    assert fetch.per_host_concurrency == 1 and fetch.per_host_delay >= 1 and fetch.respect_robots
    assert not fetch.allow_private_networks and "example.org" in fetch.user_agent
    assert settings.topics.taxonomy.is_file()  # ../topics.toml, relative to the file


def test_it_ships_in_the_package_and_the_default_stays_offline() -> None:
    shipped = resources.files("newswatch.sources.examples").joinpath("outlets.toml")
    assert shipped.is_file()
    default = load_settings(default_config_path(), env={})
    assert [s.kind for s in default.sources] == ["files"]  # the seeds only: `make run` fetches nothing
    assert "examples/outlets.toml" in default_config_path().read_text(encoding="utf-8")
