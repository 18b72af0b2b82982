"""Suite-wide rules: a fixed Hypothesis budget, and in CI a skipped test fails the run."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

pytest_plugins = [
    "tests.support.ci_rules",
    "tests.support.databases",
    "tests.support.web",
    "tests.support.identity",
]

# At least 200 examples per property in every run, CI or not: the budget is fixed so a
# run is as thorough on a fast machine as on a slow one, and no deadline flakes.
settings.register_profile(
    "interagency",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("interagency")
