from __future__ import annotations

import pytest
from pydantic import ValidationError

from interagency.config import DEMO_SECRET_KEY, Environment, Settings

STRONG_SECRET = "x" * 48
PG_URL = "postgresql+psycopg://app@db.internal/interagency"


def production(**values: object) -> Settings:
    base: dict[str, object] = {
        "environment": Environment.PRODUCTION,
        "secret_key": STRONG_SECRET,
        "database_url": PG_URL,
        "base_url": "https://interagency.example",
        "trusted_proxies": ["10.0.0.5"],
        "jobs_queue_url": "redis://127.0.0.1:6379/0",
    }
    base.update(values)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


def test_a_sound_production_configuration_has_no_problems() -> None:
    assert production().production_problems() == []


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"secret_key": DEMO_SECRET_KEY}, "INTERAGENCY_SECRET_KEY"),
        ({"secret_key": "short"}, "INTERAGENCY_SECRET_KEY"),
        ({"database_url": "sqlite:///var/x.db"}, "SQLite"),
        ({"jobs_queue_url": "sqlite:///var/queue.db"}, "INTERAGENCY_JOBS_QUEUE_URL"),
        ({"base_url": "http://interagency.example"}, "https://"),
        ({"trusted_proxies": []}, "INTERAGENCY_TLS_CERTFILE"),
        ({"demo_mode": True}, "DEMO_MODE"),
    ],
)
def test_each_unsafe_setting_is_named(override: dict[str, object], fragment: str) -> None:
    problems = production(**override).production_problems()
    assert len(problems) == 1
    assert fragment in problems[0]


def test_an_unknown_queue_is_refused_with_the_ones_known() -> None:
    with pytest.raises(ValidationError, match="redis://host:6379/0"):
        Settings(_env_file=None, jobs_queue_url="amqp://guest@127.0.0.1/")  # type: ignore[call-arg]


def test_tls_ended_by_the_server_itself_is_accepted(tmp_path: object) -> None:
    settings = production(trusted_proxies=[], tls_certfile="cert.pem", tls_keyfile="key.pem")
    assert settings.production_problems() == []


def test_trusted_proxies_are_read_from_a_comma_separated_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTERAGENCY_TRUSTED_PROXIES", "10.0.0.5, 10.0.0.6,")
    assert Settings(_env_file=None).trusted_proxies == ["10.0.0.5", "10.0.0.6"]  # type: ignore[call-arg]


def test_an_unknown_time_zone_is_refused_with_an_example() -> None:
    with pytest.raises(ValidationError, match="Asia/Almaty"):
        Settings(_env_file=None, default_timezone="Mars/Olympus")  # type: ignore[call-arg]


def test_the_default_is_development_on_sqlite() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not settings.is_production
    assert settings.uses_sqlite


def test_more_server_processes_than_a_rate_limit_allows_are_refused() -> None:
    with pytest.raises(ValidationError, match="web_workers \\(8\\) exceeds a rate limit"):
        Settings(_env_file=None, web_workers=8, api_rate_per_token=5)  # type: ignore[call-arg]
    assert Settings(_env_file=None, web_workers=5, api_rate_per_token=5).web_workers == 5  # type: ignore[call-arg]
