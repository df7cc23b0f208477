"""A read task is self-contained: another process reads a source from its ReadJob alone and stages
the same documents the run's own process stages."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from nwtest import SEEDS, write_config

from newswatch.driver import staging
from newswatch.driver.reading import ReadJob, SourceRead, read_job
from newswatch.driver.runs import open_run
from newswatch.settings import load_settings


def _documents(result: SourceRead) -> list[tuple[str, bytes]]:
    return [(d.url, d.content) for chunk in staging.read(result.chunks) for d in chunk]


def test_another_process_reads_a_source_from_its_job_alone(tmp_path: Path) -> None:
    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{SEEDS}"\n')
    settings = load_settings(config)
    settings = settings.model_copy(
        update={"warehouse": settings.warehouse.model_copy(update={"batch_size": 1})}
    )
    spec = settings.sources[0]
    with open_run(settings, command="test") as run:
        here = run.read(spec)
        in_process = run.read_job()
        assert in_process.web is None  # threads use the run's own context
        job = run.read_job(in_process=False)
        assert job.web is not None and Path(job.web.file).parent == run.area
        spawn = multiprocessing.get_context("spawn")  # nothing of this process's state comes along
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            with pytest.raises(RuntimeError, match="staged no web state"):  # a job meant for threads
                pool.submit(read_job, in_process, spec).result()
            there = pool.submit(read_job, job, spec).result()
        assert _documents(there) == _documents(here)
        assert len(_documents(here)) == len(list(SEEDS.glob("*.txt")))
    assert len(there.chunks) == len(here.chunks) > 1  # one chunk per batch of 1


def test_a_job_is_small_whatever_the_warehouse_knows(tmp_path: Path) -> None:
    config = write_config(tmp_path, f'[[sources]]\nname = "seeds"\nkind = "files"\npath = "{SEEDS}"\n')
    with open_run(load_settings(config), command="test") as run:
        run.web = type(run.web)({}, frozenset(f"https://example.org/{i}" for i in range(50_000)), {})
        job = run.read_job(in_process=False)
        assert isinstance(job, ReadJob)
        import pickle

        assert len(pickle.dumps(job)) < 20_000  # the 50,000 URLs stay in the staging area
        assert len(staging.read([job.web])[0].known_urls) == 50_000  # type: ignore[list-item]
