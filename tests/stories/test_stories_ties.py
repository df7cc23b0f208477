"""Candidate stories of equal weight are cut by id, so another process picks the same ones."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from newswatch.settings import StorySettings
from newswatch.stories.assign import MAX_CANDIDATES, StoryFeatures, StoryIndex

ROOT = Path(__file__).resolve().parents[2]
T = datetime(2026, 1, 1, tzinfo=UTC)


def _features(i: int) -> StoryFeatures:
    return StoryFeatures(f"a{i:03}", f"s{i:03}", T, "src", Counter({"harbour": 1, f"own{i}": 1}), {})


def test_equal_candidates_are_cut_by_story_id() -> None:
    index = StoryIndex(StorySettings())
    order = list(range(MAX_CANDIDATES + 20))
    for i in reversed(order):  # filed in the reverse of id order
        index.add(_features(i))
    probe = StoryFeatures("new", "snew", T, "src", Counter({"harbour": 1}), {})
    got = [s.story_id for s in index.candidates(probe)]
    assert got == [f"s{i:03}" for i in order[:MAX_CANDIDATES]]


def test_candidates_do_not_depend_on_the_hash_seed() -> None:
    script = textwrap.dedent(
        f"""
        import sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_stories_ties import _features, StoryIndex, StorySettings, StoryFeatures, Counter, T
        index = StoryIndex(StorySettings())
        for i in range(90):
            index.add(_features(i))
        probe = StoryFeatures("new", "snew", T, "src", Counter({{"harbour": 1}}), {{}})
        print(",".join(s.story_id for s in index.candidates(probe)))
        """
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1 and next(iter(outs)).count(",") == MAX_CANDIDATES - 1
