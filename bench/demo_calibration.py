"""Demo calibration: the figures a demo registry gives at its `today`, beside the published ones (docs/demo.md).

    python bench/demo_calibration.py [--patients N] [--seed S] [--today YYYY-MM-DD]

Prints figures only (no assertions): cumulative MRD negativity by the end of cycles 2/4/6 and ever, TFR and
overall survival at 2 years (clinical-rules §9 at `today`), the stops checked eligible the day before, the
rechallenges after a confirmed molecular relapse, and the time the generation took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from desktop.demo import generate_patients
from desktop.demo.figures import demo_figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 12, 4))
    args = parser.parse_args()
    start = time.perf_counter()
    patients = generate_patients(args.patients, args.seed, args.today)
    seconds = time.perf_counter() - start
    report = demo_figures(patients, args.today)
    print(f"demo of {args.patients:,} patients, seed {args.seed}, today {args.today} (generated in {seconds:.2f} s)")
    print(f"{'figure':<34} {'published':>9} {'generated':>9} {'of':>6}")
    for name, figure in report["figures"].items():
        generated = "—" if figure["generated"] is None else f"{figure['generated']:.1%}"
        extra = f"  (at risk at 24 months: {figure['at_risk']})" if "at_risk" in figure else ""
        print(f"{name:<34} {figure['published']:>9.0%} {generated:>9} {figure['of']:>6}{extra}")
    rules = report["rules"]
    print(f"stops: {rules['stops']}, eligible the day before: {rules['stops_eligible_the_day_before']}")
    print(f"rechallenges: {rules['rechallenges']}, after a confirmed molecular relapse: "
          f"{rules['rechallenges_after_confirmed_relapse']}")  # fmt: skip


if __name__ == "__main__":
    main()
