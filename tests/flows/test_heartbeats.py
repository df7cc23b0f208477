"""A flow run started by a command sends no heartbeats (Prefect waits for the heartbeat thread's
next one-second tick at the end of every run); a user's own heartbeat setting is kept."""

from __future__ import annotations

import pytest


def test_a_command_line_run_has_no_heartbeats() -> None:
    from prefect.settings import get_current_settings

    from newswatch.flows.runners import from_command_line

    assert get_current_settings().flows.heartbeat_frequency == 180  # Prefect's default
    with from_command_line():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == 180


def test_the_users_heartbeat_setting_is_kept() -> None:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    from newswatch.flows.runners import from_command_line

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 60}), from_command_line():
        assert get_current_settings().flows.heartbeat_frequency == 60


def test_a_scheduled_run_beats_once_not_for_its_subflow_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import get_current_settings

    from newswatch.flows import deployments

    seen: list[int | None] = []

    def subflow(**kwargs: object) -> dict[str, object]:
        seen.append(get_current_settings().flows.heartbeat_frequency)
        return {"status": "completed"}

    monkeypatch.setattr(deployments, "configured_run", lambda settings: subflow)
    assert deployments.newswatch_scheduled_run.fn() == {"status": "completed"}
    assert seen == [None]
    assert get_current_settings().flows.heartbeat_frequency == 180  # the parent's own, untouched
