"""The daily digest: the day's stories ranked, summarised and rendered as Markdown or HTML.

``build.build_digest`` shapes warehouse rows into a ``Digest`` (ranking in ``rank.py``, summaries
in ``summary.py``, the chart in ``chart.py``, sanitising in ``safe.py``); ``render.render`` fills
the template of a format; ``deliver.py`` writes files and sends the digest where it is configured.
"""

from newswatch.digest.build import Digest, Watchlist, build_digest, day_bounds, plural, watchlist_of
from newswatch.digest.render import FORMATS, render

__all__ = ["FORMATS", "Digest", "Watchlist", "build_digest", "day_bounds", "plural", "render", "watchlist_of"]
