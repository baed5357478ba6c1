"""The Kaplan–Meier estimator with the number at risk (clinical-rules.md §9).

`S(t) = Π (1 − d_i / n_i)` over the distinct event times `t_i ≤ t`, where `d_i` is the number of events at `t_i`
and `n_i` the number of subjects whose time is `≥ t_i` (a subject censored at `t_i` is still at risk there).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple


class Observation(NamedTuple):
    """One subject: follow-up time (days) and whether it ended with the event (else censored)."""

    time: float
    event: bool


class Step(NamedTuple):
    """The curve after one distinct event time: survival, subjects at risk just before, events there."""

    time: float
    survival: float
    at_risk: int
    events: int


class KaplanMeier:
    """The estimate from a set of observations; `survival(t)` and `at_risk(t)` answer at any time."""

    def __init__(self, observations: Sequence[Observation]):
        self.observations = tuple(observations)
        self.times = sorted(o.time for o in self.observations)
        events = Counter(o.time for o in self.observations if o.event)
        steps: list[Step] = []
        survival = 1.0
        for time in sorted(events):
            at_risk = self.at_risk(time)
            survival *= 1.0 - events[time] / at_risk
            steps.append(Step(time, survival, at_risk, events[time]))
        self.steps = tuple(steps)

    def __len__(self) -> int:
        return len(self.observations)

    def at_risk(self, t: float) -> int:
        """Subjects whose time is `≥ t`."""
        return len(self.times) - bisect_left(self.times, t)

    def survival(self, t: float) -> float | None:
        """`S(t)`, counting events at times `≤ t`; None when there is nobody to follow (no observation)."""
        if not self.observations:
            return None
        value = 1.0
        for step in self.steps:
            if step.time > t:
                break
            value = step.survival
        return value

    def censored_times(self) -> list[float]:
        """Times of the censored observations (for the ticks of a curve)."""
        return sorted(o.time for o in self.observations if not o.event)
