"""One frozen settings object: packaged defaults, then the TOML file, then ``NEWSWATCH_*`` variables.

``load_settings()`` is the only way the rest of newswatch gets settings. Input paths in the file
(source folders, the taxonomy) are relative to the file; output paths (warehouse, digests) are
relative to the working directory. Environment variables override the file:
``NEWSWATCH_DB`` (the warehouse file), ``NEWSWATCH_CONFIG`` (which file to read), and any setting as
``NEWSWATCH_<SECTION>__<KEY>``, e.g. ``NEWSWATCH_FETCH__USER_AGENT``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from newswatch.errors import ConfigError, not_utf8

SOURCE_KINDS = ("files", "feed", "sitemap", "page")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WarehouseSettings(_Section):
    path: Path = Path("data/newswatch.duckdb")
    # Unset: beside the warehouse (see Settings.digests_path), so two warehouses never share digests.
    digests_dir: Path | None = None
    batch_size: int = Field(200, ge=1, le=5000, description="articles per task and per transaction")
    # A run holds the warehouse only while it loads a batch; readers that meet it retry, with back-off.
    read_wait: float = Field(10.0, ge=0, description="seconds a reader retries a warehouse being written")
    write_wait: float = Field(600.0, ge=0, description="seconds a run waits for another run to finish")
    # 0: each batch is checkpointed into the file when the run lets the warehouse go. Above 0, a
    # run's batches stay in the write-ahead log until it passes this many MiB, and the run
    # checkpoints at its end: fewer checkpoints, but every reader and writer replays the log when it
    # opens the warehouse. Measured both ways on a 1M-article warehouse (docs/benchmarks.md).
    checkpoint_mib: int = Field(
        0, ge=0, description="MiB of write-ahead log a run keeps between checkpoints (0: every batch)"
    )


class FetchSettings(_Section):
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch; news monitoring)"
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    # From connect to the last byte, headers included; a request that uses it all is not retried in
    # the run (the next run tries it again).
    total_timeout: float = Field(30.0, gt=0)
    max_bytes: int = Field(10_000_000, gt=0, description="largest body accepted, enforced while streaming")
    max_redirects: int = Field(5, ge=0)
    per_host_concurrency: int = Field(2, ge=1)
    per_host_delay: float = Field(1.0, ge=0, description="minimum seconds between requests to one host")
    respect_robots: bool = True
    allow_private_networks: bool = False
    max_retries: int = Field(2, ge=0)
    max_items_per_source: int = Field(500, ge=1)
    # Addresses fetched even when private networks are refused (an intranet feed, a local mirror).
    allowed_networks: tuple[str, ...] = Field((), description="CIDRs allowed despite the private-range rule")
    retry_base_delay: float = Field(1.0, ge=0, description="first retry delay (doubles, with jitter)")
    retry_max_delay: float = Field(60.0, ge=0, description="longest wait between retries or for Retry-After")
    max_crawl_delay: float = Field(30.0, ge=0, description="cap on a robots.txt Crawl-delay")
    failure_threshold: int = Field(3, ge=1, description="consecutive failures before a source backs off")
    backoff_base: float = Field(3600.0, ge=0, description="first back-off interval in seconds (doubles)")
    backoff_max: float = Field(86400.0, ge=0, description="longest back-off interval in seconds")
    page_workers: int = Field(4, ge=1, le=64, description="article pages fetched at once per source")
    run_budget: float = Field(
        900.0, gt=0, description="seconds a run spends fetching; what is left is deferred to the next run"
    )
    host_budget: float = Field(
        180.0, gt=0, description="seconds of requests one host may take in a run; the rest is deferred"
    )


class SourceSpec(_Section):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    kind: Literal["files", "feed", "sitemap", "page"]
    path: Path | None = None
    url: str | None = None
    enabled: bool = True
    recursive: bool = True
    # feed/sitemap: fetch each new item's page (false: keep what the feed says, title and summary).
    fetch_pages: bool = True

    @model_validator(mode="after")
    def _needs_location(self) -> SourceSpec:
        if self.kind == "files" and self.path is None:
            raise ValueError(f"source {self.name!r} of kind 'files' needs a path")
        if self.kind != "files" and not self.url:
            raise ValueError(f"source {self.name!r} of kind {self.kind!r} needs a url")
        return self

    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else str(self.url)


def default_taxonomy_path() -> Path:
    """The packaged taxonomy (``sources/topics.toml``), used when ``[topics] taxonomy`` is not set."""
    # Located without importing newswatch.sources (which imports this module).
    spec = importlib.util.find_spec("newswatch.sources")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "topics.toml"


class TopicSettings(_Section):
    taxonomy: Path = Field(default_factory=default_taxonomy_path)
    threshold: float | None = Field(
        None, ge=0, description="minimum score for a tag (default: the taxonomy's)"
    )
    # The top-level IPTC topics come from the shipped classifier (newswatch/topics/model.py); with
    # "none" they come from the lexicon, with the embedding scorer below as a second opinion.
    # "minilm": the same classifier over all-MiniLM-L6-v2 embeddings (the embeddings extra,
    # newswatch/topics/minilm.py).
    classifier: Literal["static", "minilm", "none"] = Field(
        "static",
        description="top-level topic classifier: 'static' (shipped model), 'minilm' (embeddings extra) "
        "or 'none' (lexicon)",
    )
    classifier_probability: float | None = Field(
        None, gt=0, le=1, description="probability a top-level topic other than the best needs (default 0.3)"
    )
    # With classifier = "none": a second opinion on the top-level topic when the lexicon finds
    # nothing or one word only (newswatch/topics/embed.py, docs/topics.md).
    embeddings: Literal["none", "static", "minilm"] = Field(
        "static",
        description="embedding scorer: 'static' (shipped, numpy only), 'minilm' (embeddings extra), 'none'",
    )
    # Cosines are on each model's own scale: unset means the model's tuned value (topics/embed.py).
    embedding_margin: float | None = Field(
        None, gt=0, le=2, description="cosine lead worth one threshold of lexicon score when one word decides"
    )
    embedding_min_similarity: float | None = Field(
        None, ge=-1, le=1, description="cosine needed to tag an article the lexicon found nothing in"
    )


class CopySettings(_Section):
    shingle_size: int = Field(5, ge=1, le=12)
    num_perm: int = Field(128, ge=16, le=512)
    threshold: float = Field(0.7, gt=0, le=1, description="estimated Jaccard for a near copy")


class StorySettings(_Section):
    window_days: float = Field(7.0, gt=0, description="how far apart two articles of one story may be")
    threshold: float = Field(0.30, gt=0, le=1, description="minimum score to join a story")
    merge_threshold: float = Field(
        0.5, gt=0, le=1, description="an article scoring this with two stories shows they are one: merge"
    )
    # Headlines (and short summaries) share fewer words than full texts, so they score lower.
    headline_threshold: float = Field(0.10, gt=0, le=1, description="threshold for headline-only articles")
    headline_merge_threshold: float = Field(
        0.18, gt=0, le=1, description="merge_threshold for headline-only articles"
    )
    embeddings: Literal["none", "static", "minilm"] = Field(
        "static",
        description="embedding evidence: 'static' (shipped, numpy only), 'minilm' (embeddings extra), 'none'",
    )
    embedding_weight: float = Field(0.5, ge=0, le=1, description="share of the score from embeddings")
    # With embeddings, unrelated headlines score higher too: their own thresholds.
    embedding_headline_threshold: float = Field(0.20, gt=0, le=1)
    embedding_headline_merge_threshold: float = Field(0.30, gt=0, le=1)


class ExtractSettings(_Section):
    workers: int = Field(
        0, ge=0, description="processes extracting a large batch; 0 = one per core, 1 = no pool"
    )


class DigestSettings(_Section):
    max_stories: int = Field(100, ge=1)
    timezone: str = Field("UTC", description="IANA zone whose calendar days the digest covers")
    formats: tuple[Literal["md", "html"], ...] = Field(("md", "html"), description="files a run writes")
    chart_days: int = Field(14, ge=1, le=366, description="days shown in the stories-per-topic chart")
    # Apprise URLs (mailto://, json://, ...). "${NAME}" in a URL is replaced by the environment
    # variable NAME when the digest is sent: secrets stay out of the file.
    notify: tuple[str, ...] = ()
    notify_format: Literal["md", "html"] = Field("html", description="the body sent to notify URLs")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as 'Asia/Karachi')"
            ) from exc
        return value


class RunnerSettings(_Section):
    """The Prefect task runner that reads sources and extracts pages (docs/configuration.md)."""

    kind: Literal["threads", "dask"] = Field(
        "threads", description="'threads' (in the run's process) or 'dask' (prefect-dask, the dask extra)"
    )
    max_workers: int = Field(8, ge=1, le=256, description="threads: tasks run at once")
    # dask: a running scheduler, or (unset) a local cluster started for the run and stopped after it.
    address: str | None = Field(None, description="dask scheduler address, e.g. tcp://10.0.0.5:8786")
    n_workers: int | None = Field(None, ge=1, le=256, description="local cluster: workers (default: cores)")
    threads_per_worker: int = Field(1, ge=1, le=64, description="local cluster: threads per worker")
    processes: bool = Field(False, description="local cluster: worker processes (false: threads of the run)")
    dashboard_address: str | None = Field(
        None, description="local cluster: serve Dask's dashboard here, e.g. 127.0.0.1:8787 (needs bokeh)"
    )

    @model_validator(mode="after")
    def _dask_only(self) -> RunnerSettings:
        if self.address is not None:
            if self.kind != "dask":
                raise ValueError("address is a Dask scheduler's: set kind = 'dask' too")
            if not re.match(r"^(tcp|tls|ucx|inproc)://[^/\s]+$", self.address):
                raise ValueError(
                    f"address {self.address!r}: expected a scheduler address like tcp://host:8786"
                )
        return self


class Settings(BaseSettings):
    """Everything newswatch is told. Frozen: build a new one with ``model_copy(update=...)``."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix="NEWSWATCH_",
        env_nested_delimiter="__",
        nested_model_default_partial_update=True,
    )

    warehouse: WarehouseSettings = WarehouseSettings()
    fetch: FetchSettings = FetchSettings()
    sources: tuple[SourceSpec, ...] = ()
    topics: TopicSettings = TopicSettings()
    copies: CopySettings = CopySettings()
    stories: StorySettings = StorySettings()
    digest: DigestSettings = DigestSettings()
    extract: ExtractSettings = ExtractSettings()
    runner: RunnerSettings = RunnerSettings()
    config_path: Path | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values come in as init arguments; the environment must win over them.
        return (env_settings, init_settings)

    @property
    def digests_path(self) -> Path:
        """Where digests are written: ``[warehouse] digests_dir``, else beside the warehouse:
        ``digests/`` next to a warehouse named ``newswatch.duckdb``, ``<name>-digests/`` next to any
        other, so ``--db other.duckdb`` never overwrites the default warehouse's digests."""
        if self.warehouse.digests_dir is not None:
            return self.warehouse.digests_dir
        db = Path(self.warehouse.path)
        return db.parent / ("digests" if db.stem == "newswatch" else f"{db.stem}-digests")

    @property
    def config_dir(self) -> Path:
        return self.config_path.parent if self.config_path else Path.cwd()

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise ConfigError(f"no source named {name!r}", path=str(self.config_path))


def default_config_path() -> Path:
    """The packaged default configuration (``sources/newswatch.toml``): the seeds, offline."""
    return Path(str(resources.files("newswatch.sources").joinpath("newswatch.toml")))


def load_settings(
    config: str | os.PathLike[str] | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read settings: defaults, then the TOML file, then the environment, then explicit arguments.

    ``config`` defaults to ``$NEWSWATCH_CONFIG`` then the packaged ``sources/newswatch.toml``;
    ``db`` (a command's ``--db``) beats ``$NEWSWATCH_DB``, which beats the file.
    """
    environ = os.environ if env is None else env
    path = Path(config or environ.get("NEWSWATCH_CONFIG") or default_config_path())
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror or exc}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(exc), path=str(path)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from exc

    data = _resolve_input_paths(data, path.parent)
    data["config_path"] = path.resolve()
    db_path = db or environ.get("NEWSWATCH_DB")
    if db_path:
        data.setdefault("warehouse", {})
        data["warehouse"] = {**data["warehouse"], "path": str(db_path)}
    if overrides:
        data = _deep_merge(data, dict(overrides))

    saved = None
    if env is not None:  # tests pass an explicit environment; make pydantic read that one
        saved = dict(os.environ)
        for key in [k for k in os.environ if k.startswith("NEWSWATCH_")]:
            del os.environ[key]
        os.environ.update({k: v for k, v in env.items() if k.startswith("NEWSWATCH_")})
    try:
        # NEWSWATCH_DB and NEWSWATCH_CONFIG are handled above, not as settings fields.
        hidden = {k: os.environ.pop(k) for k in ("NEWSWATCH_DB", "NEWSWATCH_CONFIG") if k in os.environ}
        try:
            return Settings(**data)
        finally:
            os.environ.update(hidden)
    except ValidationError as exc:
        raise _config_error(exc, path, text) from exc
    finally:
        if saved is not None:
            os.environ.clear()
            os.environ.update(saved)


def _resolve_input_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    out = dict(data)
    sources = []
    for spec in out.get("sources", []) or []:
        if isinstance(spec, dict) and spec.get("path") is not None:
            spec = {**spec, "path": str((base / str(spec["path"])).resolve())}
        sources.append(spec)
    if sources:
        out["sources"] = sources
    topics = out.get("topics")
    if isinstance(topics, dict) and "taxonomy" in topics:
        out["topics"] = {**topics, "taxonomy": str((base / str(topics["taxonomy"])).resolve())}
    else:  # every key is optional: no taxonomy named means the packaged one
        out["topics"] = {**(topics or {}), "taxonomy": str(default_taxonomy_path())}
    return out


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _config_error(exc: ValidationError, path: Path, text: str) -> ConfigError:
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"]]
    where = ".".join(loc)
    line = locate_key(text, first["loc"])
    msg = first["msg"]
    return ConfigError(f"{where}: {msg}" if where else msg, path=str(path), line=line)


def locate_key(text: str, loc: tuple[Any, ...] | list[Any]) -> int | None:
    """Best-effort line number of a key path like ``('sources', 1, 'kind')`` in TOML text."""
    lines = text.splitlines()
    start = 0
    parts = list(loc)
    if parts and isinstance(parts[0], str) and len(parts) > 1 and isinstance(parts[1], int):
        header = re.compile(rf"^\s*\[\[\s*{re.escape(parts[0])}\s*\]\]")
        seen = -1
        for i, line in enumerate(lines):
            if header.match(line):
                seen += 1
                if seen == parts[1]:
                    start = i
                    break
        parts = parts[2:]
    elif parts and isinstance(parts[0], str):
        table = re.compile(rf"^\s*\[\s*{re.escape(parts[0])}\s*\]")
        for i, line in enumerate(lines):
            if table.match(line):
                start = i
                parts = parts[1:]
                break
    key = next((p for p in parts if isinstance(p, str)), None)
    if key is None:
        return start + 1 if start or loc else None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1
