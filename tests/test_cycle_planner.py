"""The cycle planner's choices: the calendar, packing into the round, cart rotation."""

from __future__ import annotations

import json

from supplyroute import check
from supplyroute.cycles.calendar import make_calendar
from supplyroute.cycles.planner import CycleOptions, plan_cycle
from supplyroute.io import load_cycle_scenario, validate_document
from supplyroute.models.cycle import CycleScenario
from tests.conftest import DATA, ROOT

SMALL = DATA / "cycle_small.json"
KANDAN = ROOT / "examples" / "kandan576-cycle.json"


def test_kandan_calendar_keeps_every_cycle_and_evens_the_days() -> None:
    cs = load_cycle_scenario(KANDAN)
    calendar = make_calendar(cs)
    for h in cs.compound.households:
        days = [d for d in range(cs.days) if h.id in calendar.deliveries[d]
                and calendar.next_delivery[d, h.id] > 0]
        cycle = cs.cycle_of(h.id)
        assert days[0] <= cs.settings[h.id].last_delivery_day + cycle
        assert all(b - a <= cycle for a, b in zip(days, days[1:], strict=False))
        assert days[-1] + cycle >= cs.days
        if cs.visits_daily(h.id):
            assert all(h.id in calendar.deliveries[d] or h.id in calendar.visits[d]
                       for d in range(cs.days))
    mean = sum(calendar.work_s) / len(calendar.work_s)
    assert max(calendar.work_s) <= 1.05 * mean
    for order in cs.orders:  # order today, delivered tomorrow
        if order.day + 1 < cs.days:
            assert order.household in calendar.orders[order.day + 1]
            assert order.household in calendar.deliveries[order.day + 1]


def _with_packing(start: str, end: str) -> CycleScenario:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data["days"] = 1
    data["packing"]["shifts"] = [{"staff": 1, "start": start, "end": end}]
    return validate_document(CycleScenario, data)


def test_a_late_packing_shift_shows_up_in_the_round() -> None:
    options = CycleOptions(time_limit_s=1, deterministic=True)
    early = plan_cycle(_with_packing("05:00", "07:30"), options)
    late = plan_cycle(_with_packing("09:00", "12:00"), options)
    first = early.horizon.days[0].releases[0].at
    assert late.horizon.days[0].releases[0].at > first + 3600
    early_round = early.rounds[0].delivery
    late_round = late.rounds[0].delivery
    assert early_round is not None and late_round is not None
    assert check(*late_round) == []
    assert late_round[1].summary.last_delivery_s > early_round[1].summary.last_delivery_s


def test_carts_go_round_and_each_day_still_checks() -> None:
    cs = load_cycle_scenario(SMALL)
    result = plan_cycle(cs, CycleOptions(time_limit_s=1, deterministic=True))
    for day in result.rounds:
        for pair in (day.delivery, day.garbage):
            if pair is not None:
                assert check(*pair) == []
    carts = {v.id for v in cs.compound.volunteers if v.cart is not None}
    pushed = [{v.id for v in day.delivery[0].volunteers if v.cart is not None}
              for day in result.rounds if day.delivery is not None]
    assert all(len(p) == len(carts) for p in pushed)  # the same number of carts every day
    fixed = cs.model_copy(update={"rotate_carts": False})
    kept = plan_cycle(fixed, CycleOptions(time_limit_s=1, deterministic=True))
    assert all({v.id for v in day.delivery[0].volunteers if v.cart is not None} <= carts
               for day in kept.rounds if day.delivery is not None)
