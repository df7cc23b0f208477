"""Tasks take their batch and the run's id, never the run's state: Prefect walks every parameter of
every task, so a parameter that grows with the run (the whole extraction, the indexes, the web state,
a connection) makes each task cost more as the run grows."""

from __future__ import annotations

import collections.abc
import inspect
import typing

import pytest

from newswatch.driver.reading import ReadJob
from newswatch.driver.runs import ExtractOptions, Key
from newswatch.driver.staging import Ref
from newswatch.settings import SourceSpec

# What a task may receive: ids, a source, staged chunks' references, batches of article keys, and
# what a task in another process needs to read (ReadJob: the settings, the staging area, a reference
# to the staged web state; its size is the configuration's, never the run's).
SMALL = {
    str,
    int,
    float,
    bool,
    SourceSpec,
    Ref,
    ExtractOptions,
    ReadJob,
    typing.Sequence[Key],
    collections.abc.Sequence[Key],
    # A task's group of chunks or batches: at most TASK_GROUP of them, whatever the run's size.
    typing.Sequence[Ref],
    collections.abc.Sequence[Ref],
    typing.Sequence[typing.Sequence[Key]],
    collections.abc.Sequence[collections.abc.Sequence[Key]],
}


@pytest.mark.parametrize("name", ["read_source_task", "extract_task", "load_task", "digest_task"])
def test_task_parameters_are_the_batch_and_ids_only(name: str) -> None:
    import datetime

    from newswatch.flows import pipeline

    fn = getattr(pipeline, name).fn
    hints = typing.get_type_hints(fn, vars(pipeline))
    params = inspect.signature(fn).parameters
    for param in params:
        hint = hints[param]
        assert hint in SMALL | {datetime.date}, f"{name}({param}: {hint}) carries state"


def test_a_read_job_holds_references_not_state() -> None:
    hints = typing.get_type_hints(ReadJob)
    assert set(hints) == {"run_id", "settings", "area", "web"}
    assert hints["web"] == Ref | None  # the web state (every settled URL) stays on disk
