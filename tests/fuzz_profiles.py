"""Hypothesis profiles of the fuzz tests: a short one in the default suite, a long one on demand.

``TASKANALYTICS_FUZZ=long`` (``make fuzz``) selects the long profile: many more examples, a
random seed each run, failures saved in ``.hypothesis/`` and printed as a reproduction blob.
The default short profile is derandomized (the same examples on every run, so CI is
reproducible), keeps no example database and has no deadline (the machine may be busy).

The profiles are applied per test with :func:`fuzz`, never loaded globally, so other modules'
hypothesis tests keep their own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: The environment variable that selects the profile: unset or ``short``, or ``long``.
ENV = "TASKANALYTICS_FUZZ"
#: How many times more examples each test runs in the long profile.
LONG_FACTOR = 30

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "taskanalytics-fuzz-short",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=_HEALTH,
)
settings.register_profile(
    "taskanalytics-fuzz-long",
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=_HEALTH,
)

PROFILE = os.environ.get(ENV, "short").strip().lower() or "short"
if PROFILE not in ("short", "long"):
    raise ValueError(f"{ENV}={PROFILE!r}: expected 'short' (the default) or 'long'")


def fuzz(examples: int) -> settings:
    """The settings of one fuzz test: ``examples`` in the short profile, ``LONG_FACTOR`` times
    as many in the long one."""
    parent = settings.get_profile(f"taskanalytics-fuzz-{PROFILE}")
    n = examples * LONG_FACTOR if PROFILE == "long" else examples
    return settings(parent, max_examples=n)
