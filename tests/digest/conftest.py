"""A warehouse of the seeds plus a few hundred fixture articles (news pages, headlines) and hostile
records, built once per session for the digest's end-to-end tests."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from nwtest import FIXTURES, SEEDS, run_plain, write_config

HEADLINES = 300
# Records a feed or a file could carry, each aimed at the digest (issue: digest injection).
HOSTILE = [
    {
        "url": "https://evil.example/a)\n<img src=x onerror=alert(1)>\n[x](javascript:alert(2))",
        "title": "Newline URL breaks out of the link",
        "source": "Hostile Wire",
        "body": "A record whose URL carries newlines and markup.",
    },
    {"url": "file:///etc/passwd", "title": "A local file link", "source": "Local", "body": "Local file."},
    {"url": "javascript:alert(3)", "title": "Script link", "source": "Script", "body": "Script URL."},
    {
        "url": "https://rtl.example/x",
        "title": "Invoice \u202egpj.exe\u202c for <b>you</b> *now* [click](http://x)",
        "source": "Bidi \u2066Outlet\u2069\x07",
        "body": "Bidi overrides and control characters.",
    },
    {
        "url": "https://long.example/t",
        "title": "Long " * 24_000,
        "source": "Long",
        "body": "A very long title.",
    },
]


def build_corpus(folder: Path, headlines: int = HEADLINES) -> Path:
    """Seeds, their copies, another event, the news pages and ``headlines`` headline records."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*SEEDS.glob("*.txt"), *(FIXTURES / "stories").glob("*/*.txt")]:
        shutil.copy(path, folder / path.name)
    for page in (FIXTURES / "news_html").glob("*.html.gz"):
        (folder / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
    with (FIXTURES / "stories" / "uci_news_aggregator_dev.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:headlines]
    with (folder / "headlines.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    # A text file whose front matter names its web address: the digest links there, not to the file.
    (folder / "front_matter.md").write_text(
        "---\nurl: https://news.example/cpec-rail\nsource: Example News\n---\n"
        "Pakistan and China open talks on the ML-1 railway financing\n\n"
        "Pakistan and China began talks on financing the ML-1 railway upgrade under CPEC on Monday. "
        "Officials from both countries met in Islamabad to discuss the first phase of the project. "
        "The upgrade of the main line from Karachi to Peshawar is the largest project of the corridor.\n",
        encoding="utf-8",
    )
    with (folder / "hostile.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["url", "title", "source", "body"])
        writer.writeheader()
        writer.writerows(HOSTILE)
    return folder


@pytest.fixture(scope="session")
def corpus_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configuration and a loaded warehouse of the corpus (built once: it takes ~30 s)."""
    root = tmp_path_factory.mktemp("digest-corpus")
    folder = build_corpus(root / "corpus")
    config = write_config(root, f'[[sources]]\nname = "corpus"\nkind = "files"\npath = "{folder}"\n')
    stats = run_plain(config)
    assert stats.status == "completed" and stats.new > 300, stats
    return config
