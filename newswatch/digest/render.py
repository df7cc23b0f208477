"""The digest rendered by a template per format: ``templates/digest.<fmt>.j2``.

HTML autoescapes (titles, outlets, names and summaries come from the open web); Markdown escapes
with the ``md`` filter and builds links with ``mdlink`` (http(s) only, see ``safe.py``). Both get
text already cleaned of control and reordering characters and cut to length by ``build.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from newswatch.digest.build import Digest, plural
from newswatch.digest.chart import sparkline, svg
from newswatch.digest.safe import md_escape, md_link

FORMATS = ("md", "html")


def _when(value: datetime | None, fmt: str = "%d %b %H:%M") -> str:
    return value.strftime(fmt) if value else ""


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newswatch.digest", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["mdlink"] = md_link
    env.filters["when"] = _when
    env.globals["plural"] = plural
    env.globals["sparkline"] = sparkline
    # The chart is markup built (and escaped) by chart.svg from numbers and cleaned labels.
    env.globals["chart_svg"] = lambda chart: Markup(svg(chart))
    return env


def render(digest: Digest, fmt: str = "md") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown digest format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _environment().get_template(f"digest.{fmt}.j2").render(d=digest)


def render_all(digest: Digest) -> dict[str, Any]:
    """Every format of one digest, by format name."""
    return {fmt: render(digest, fmt) for fmt in FORMATS}
