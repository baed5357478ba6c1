"""NPM1 MRD samples (clinical-rules.md §2): classification, one sample per date, runs and conversions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import MrdSample

MrdClass = Literal["inadequate", "negative", "mrd_ll", "positive"]

CLASS_LABELS: dict[str, str] = {
    "inadequate": "inadequate",
    "negative": "negative",
    "mrd_ll": "low-level positive (MRD-LL)",
    "positive": "positive",
}


def classify(npm1_copies: float, abl1_copies: float, params: Parameters = DEFAULT_PARAMETERS) -> MrdClass:
    """Class of a result: inadequate, negative, mrd_ll (low-level positive) or positive."""
    if npm1_copies == 0:
        return "negative" if abl1_copies >= params.abl1_min_copies else "inadequate"
    if npm1_copies / abl1_copies * 100.0 < params.mrd_low_level_pct:
        return "mrd_ll"
    return "positive"


class ClassifiedSample(NamedTuple):
    """One MRD sample (the one that counts for its date) with its ratio and class."""

    date: dt.date
    specimen: str
    npm1_copies: float
    abl1_copies: float
    ratio_pct: float
    mrd_class: MrdClass

    @property
    def evaluable(self) -> bool:
        """Not inadequate."""
        return self.mrd_class != "inadequate"

    @property
    def negative(self) -> bool:
        """NPM1 not detected with enough ABL1."""
        return self.mrd_class == "negative"

    @property
    def positive(self) -> bool:
        """NPM1 detected (MRD-LL included)."""
        return self.mrd_class == "positive" or self.mrd_class == "mrd_ll"

    def describe(self) -> str:
        """Short text such as `0.04% NPM1/ABL1 (MRD-LL, PB) on 2024-09-02`."""
        if self.mrd_class == "negative":
            return f"negative ({self.specimen}, ABL1 {self.abl1_copies:,.0f}) on {self.date}"
        if self.mrd_class == "inadequate":
            return f"inadequate ({self.specimen}, ABL1 {self.abl1_copies:,.0f}) on {self.date}"
        label = "MRD-LL" if self.mrd_class == "mrd_ll" else "positive"
        return f"{format_ratio(self.ratio_pct)} NPM1/ABL1 ({label}, {self.specimen}) on {self.date}"


def format_ratio(ratio_pct: float) -> str:
    """A ratio as a percentage with 3 significant digits, e.g. `0.0400%` → `0.04%`."""
    return f"{ratio_pct:.3g}%"


def one_per_date(samples: Iterable[MrdSample], as_of: dt.date) -> list[MrdSample]:
    """Samples dated on or before `as_of`, one per date, in date order.

    On a shared date the higher ratio counts, on a tie the one with more ABL1 copies; a full tie keeps BM
    (the samples are then identical but for the specimen), so the choice never depends on record order.
    """
    best: dict[dt.date, tuple[tuple[float, float, bool], MrdSample]] = {}
    for sample in samples:
        date = sample.date
        if date > as_of:
            continue
        key = (sample.npm1_copies / sample.abl1_copies * 100.0, sample.abl1_copies, sample.specimen == "BM")
        current = best.get(date)
        if current is None or key > current[0]:
            best[date] = (key, sample)
    return [best[date][1] for date in sorted(best)]


_new = tuple.__new__  # builds NamedTuples without the Python-level __new__ (hot path)


def classified_samples(
    samples: Iterable[MrdSample], as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS
) -> list[ClassifiedSample]:
    """`one_per_date` samples with their ratio and class (one pass, same choice as `one_per_date`)."""
    min_abl1, low_level = params.abl1_min_copies, params.mrd_low_level_pct
    best: dict[dt.date, ClassifiedSample] = {}
    for sample in samples:
        date = sample.date
        if date > as_of:
            continue
        npm1, abl1 = sample.npm1_copies, sample.abl1_copies
        ratio = npm1 / abl1 * 100.0
        current = best.get(date)
        if current is not None and (ratio, abl1, sample.specimen == "BM") <= (
            current[4],
            current[3],
            current[1] == "BM",
        ):
            continue
        if npm1 == 0:
            mrd_class = "negative" if abl1 >= min_abl1 else "inadequate"
        else:
            mrd_class = "mrd_ll" if ratio < low_level else "positive"
        best[date] = _new(ClassifiedSample, (date, sample.specimen, npm1, abl1, ratio, mrd_class))
    return [best[date] for date in sorted(best)]


def log_reduction(ratio_pct: float, baseline_pct: float | None) -> float | None:
    """log10(baseline / ratio); None without a baseline or when NPM1 is not detected (shown, not used by rules)."""
    if baseline_pct is None or baseline_pct <= 0 or ratio_pct <= 0:
        return None
    return math.log10(baseline_pct / ratio_pct)


class MrdHistory:
    """The classified samples of a patient at `as_of`, computed once and shared by every rule."""

    __slots__ = ("evaluable", "samples")

    def __init__(self, samples: Sequence[ClassifiedSample]):
        self.samples: tuple[ClassifiedSample, ...] = tuple(samples)
        self.evaluable: tuple[ClassifiedSample, ...] = tuple(s for s in self.samples if s.mrd_class != "inadequate")

    def __eq__(self, other: object) -> bool:  # a value: equal samples, equal history (`evaluable` follows)
        return isinstance(other, MrdHistory) and self.samples == other.samples

    __hash__ = None  # type: ignore[assignment]  # unhashable, as a dataclass with eq is

    @classmethod
    def of(cls, samples: Iterable[MrdSample], as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> MrdHistory:
        """History of the samples dated on or before `as_of`."""
        return cls(classified_samples(samples, as_of, params))

    @property
    def latest(self) -> ClassifiedSample | None:
        """The latest sample, inadequate or not."""
        return self.samples[-1] if self.samples else None

    @property
    def latest_evaluable(self) -> ClassifiedSample | None:
        """The latest evaluable sample."""
        return self.evaluable[-1] if self.evaluable else None

    @property
    def previous_evaluable(self) -> ClassifiedSample | None:
        """The evaluable sample before the latest one."""
        return self.evaluable[-2] if len(self.evaluable) > 1 else None

    def _trailing_run(self, negative: bool) -> tuple[ClassifiedSample, ...]:
        evaluable = self.evaluable
        start = len(evaluable)
        while start > 0 and (evaluable[start - 1].mrd_class == "negative") == negative:
            start -= 1
        return evaluable[start:]

    def negative_run(self) -> tuple[ClassifiedSample, ...]:
        """The run of negative evaluable samples ending at the latest evaluable one (empty if it is positive)."""
        return self._trailing_run(negative=True)

    def positive_run(self) -> tuple[ClassifiedSample, ...]:
        """The run of positive evaluable samples ending at the latest evaluable one (empty if it is negative)."""
        return self._trailing_run(negative=False)

    def negative_before_positive_run(self) -> ClassifiedSample | None:
        """The negative evaluable sample just before the trailing positive run, if both exist."""
        run = self.positive_run()
        if not run or len(self.evaluable) == len(run):
            return None
        return self.evaluable[-len(run) - 1]

    def confirmed_relapse(self) -> bool:
        """Confirmed molecular relapse (§2): a negative sample, then ≥ 2 consecutive positive evaluable samples
        ending at the latest evaluable one."""
        return self.negative_before_positive_run() is not None and len(self.positive_run()) >= 2

    def progression(self, log_rise: float) -> tuple[ClassifiedSample, ClassifiedSample] | None:
        """Molecular progression (§7): within the trailing positive run (≥ 2 samples), the latest ratio is at least
        the run's minimum × 10^`log_rise`; returns (that minimum, the latest) or None."""
        run = self.positive_run()
        if len(run) < 2:
            return None
        lowest = min(run, key=lambda s: (s.ratio_pct, s.date))
        latest = run[-1]
        return (lowest, latest) if latest.ratio_pct >= lowest.ratio_pct * 10**log_rise else None

    def has_negative_to_positive_conversion(self) -> bool:
        """Whether a negative evaluable sample was ever directly followed by a positive one."""
        evaluable = self.evaluable
        return any(
            evaluable[i].mrd_class == "negative" and evaluable[i + 1].mrd_class != "negative"
            for i in range(len(evaluable) - 1)
        )
