"""Peak memory of one fetch, in a process of its own: ``python bomb_probe.py PAGE_URL BOMB_URL``.

Fetches an ordinary page first (the baseline: imports, the client, one normal body), then the bomb,
and prints one JSON line: the bomb's outcome and the process's peak resident size (``ru_maxrss``)
after each step, in MB. Used by test_bomb_memory.py and for the figures in docs/reliability.md.
"""

from __future__ import annotations

import json
import resource
import sys

from newswatch.settings import FetchSettings
from newswatch.sources.http import Fetcher


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(page: str, target: str) -> None:
    settings = FetchSettings(allow_private_networks=True, respect_robots=False, per_host_delay=0.0)
    with Fetcher(settings) as f:
        normal = f.fetch(page, source="probe")
        baseline = peak_mb()
        result = f.fetch(target, source="probe")
    print(
        json.dumps(
            {
                "baseline_outcome": str(normal.fetch.outcome),
                "outcome": str(result.fetch.outcome),
                "error": result.fetch.error,
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(peak_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
