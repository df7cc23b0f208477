"""Stories per topic over the last days: an inline SVG stacked bar chart and a Markdown sparkline.

The SVG is built here, not from a template, with every label escaped; it uses no external asset
(no fonts, scripts or images), scales to its container (``viewBox``, width 100%) and has a text
alternative (``<title>`` and ``aria-label``). Colours come from a fixed palette, never from data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from newswatch.digest.safe import clean_text

# Colour-blind-safe (Okabe-Ito), then grey for "other topics".
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
OTHER_COLOUR = "#9a9a9a"
MAX_SERIES = len(PALETTE)
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    colour: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Chart:
    days: tuple[date, ...]
    series: tuple[Series, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(s.counts[i] for s in self.series) for i in range(len(self.days)))

    @property
    def empty(self) -> bool:
        return not any(self.totals)


def build_chart(days: Sequence[date], counts: Mapping[str, Mapping[date, int]]) -> Chart:
    """Series per topic label (the busiest ``MAX_SERIES``, the rest summed as "other topics")."""
    per = {label: tuple(int(c.get(d, 0)) for d in days) for label, c in counts.items()}
    ranked = sorted(per, key=lambda k: (-sum(per[k]), k))
    top, rest = ranked[:MAX_SERIES], ranked[MAX_SERIES:]
    series = [Series(clean_text(k, 40), PALETTE[i], per[k]) for i, k in enumerate(top)]
    if rest:
        other = tuple(sum(per[k][i] for k in rest) for i in range(len(days)))
        series.append(Series("other topics", OTHER_COLOUR, other))
    return Chart(tuple(days), tuple(s for s in series if s.total))


def svg(chart: Chart, *, width: int = 360, height: int = 160) -> str:
    """The chart as an inline SVG element (escaped; safe to insert into HTML as is)."""
    left, bottom, top = 24, 18, 8
    plot_w, plot_h = width - left - 4, height - bottom - top
    n = max(len(chart.days), 1)
    peak = max(chart.totals or (0,)) or 1
    step = plot_w / n
    bar = max(step * 0.7, 1.0)
    summary = ", ".join(f"{s.label} {s.total}" for s in chart.series) or "no stories"
    first = chart.days[0].isoformat() if chart.days else ""
    last = chart.days[-1].isoformat() if chart.days else ""
    alt = f"Stories per topic per day, {first} to {last}: {summary}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(alt)}" style="max-width:{width * 2}px;height:auto">',
        f"<title>{escape(alt)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 8}" font-size="9" text-anchor="end" fill="#555">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="9" text-anchor="end" fill="#555">0</text>',
    ]
    for i, day in enumerate(chart.days):
        x = left + i * step + (step - bar) / 2
        y = float(top + plot_h)
        for s in chart.series:
            c = s.counts[i]
            if not c:
                continue
            h = plot_h * c / peak
            y -= h
            tip = escape(f"{day.isoformat()} {s.label}: {c}")
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{s.colour}">'
                f"<title>{tip}</title></rect>"
            )
        if i == 0 or i == n - 1 or (n > 7 and i == n // 2):
            out.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 4}" font-size="9" text-anchor="middle" '
                f'fill="#555">{escape(day.strftime("%d %b"))}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def sparkline(counts: Sequence[int], peak: int) -> str:
    """Counts as block characters scaled to ``peak`` (a blank-looking low block for zero)."""
    if peak <= 0:
        return SPARKS[0] * len(counts)
    return "".join(SPARKS[min(len(SPARKS) - 1, round((len(SPARKS) - 1) * c / peak))] for c in counts)
