"""desktop.ui.charts.counts_chart: the lanes' round ticks and value ranges (pure functions)."""

from __future__ import annotations

import pytest

from desktop.ui.charts.counts_chart import LANE_GAP, MEASURES, Lane, tick_step, value_range


@pytest.mark.parametrize(
    ("span", "step"),
    [(3.0, 1.0), (4.0, 1.0), (4.1, 2.0), (8.0, 2.0), (9.0, 2.5), (10.0, 2.5), (313.0, 100.0), (18.0, 5.0)],
)
def test_tick_step_is_the_least_round_step_of_at_most_four_intervals(span, step):
    assert tick_step(span) == pytest.approx(step)


def test_value_range_starts_on_a_tick_and_leaves_room_above_the_values():
    low, high, step = value_range(MEASURES["platelets"], [40.0, 290.0], recovery=100.0)
    assert (low, step) == (0.0, 100.0)
    assert high == 350.0  # 290 × 1.08 = 313, rounded up to half a step
    low, high, step = value_range(MEASURES["anc"], [0.2, 1.1], recovery=1.0)
    assert (low, high, step) == (0.0, 3.0, 1.0)  # the least top (3 ×10⁹/L) when the values are low


def test_hemoglobin_starts_at_6_unless_a_value_is_lower():
    assert value_range(MEASURES["hemoglobin"], [9.0, 12.5], None)[0] == 6.0
    low, high, _ = value_range(MEASURES["hemoglobin"], [4.4, 12.5], None)
    assert low <= 4.4 and high >= 14.0


def test_a_lane_maps_its_range_inside_its_slot():
    lane = Lane(slot=1, low=0.0, high=400.0)
    assert lane.to_view(0.0) == pytest.approx(1 + LANE_GAP / 2)
    assert lane.to_view(400.0) == pytest.approx(2 - LANE_GAP / 2)
    assert lane.to_view(200.0) == pytest.approx(1.5)
