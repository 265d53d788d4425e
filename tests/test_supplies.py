"""Stock, fair shares, bags and the packing line, on small cases with known answers."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyroute.models.cycle import Packing, PackingShift
from supplyroute.supplies.allocate import SCALE, Claim, _flow_bound, coverage, share_out
from supplyroute.supplies.bags import pack, split_weight
from supplyroute.supplies.packing_line import pack_line

UNIT_G = {"cabbage": 1000, "greens": 500, "rice": 1000, "masks": 100}
CATEGORY = {"cabbage": "veg", "greens": "veg", "rice": "staple", "masks": "prevention"}


def claim(name: str, need_g: int, priority: bool = False,
          items: tuple[str, ...] = ("cabbage", "greens")) -> Claim:
    return Claim(name, priority, {"veg": need_g}, {"veg": items})


def brute_force(claims: list[Claim], stock: dict[str, int]) -> tuple[int, int]:
    """The lexicographic optimum (priority min share, then everyone's), by enumeration."""
    options = []
    for c in claims:
        ranges = [range(0, 4) for _ in c.items["veg"]]
        options.append([dict(zip(c.items["veg"], n, strict=True))
                        for n in itertools.product(*ranges)])
    best = (-1, -1)
    for pick in itertools.product(*options):
        used = {i: sum(p.get(i, 0) for p in pick) for i in stock}
        if any(used[i] > stock[i] for i in stock):
            continue
        shares = [min(SCALE, SCALE * sum(n * UNIT_G[i] for i, n in p.items()) // c.need_g["veg"])
                  for p, c in zip(pick, claims, strict=True)]
        priority = min((s for s, c in zip(shares, claims, strict=True) if c.priority),
                       default=SCALE)
        best = max(best, (priority, min(shares)))
    return best


def test_enough_stock_covers_every_need_without_cp_sat() -> None:
    claims = [claim("a", 2000), claim("b", 1500), claim("c", 1000)]
    share = share_out(claims, {"cabbage": 5, "greens": 5}, UNIT_G, CATEGORY, deterministic=True)
    assert share.status == "enough"
    assert share.min_coverage == 1.0
    used = {i: sum(u.get(i, 0) for u in share.units.values()) for i in ("cabbage", "greens")}
    assert used["cabbage"] <= 5 and used["greens"] <= 5


def test_shortage_is_split_max_min_with_priority_first_and_proven() -> None:
    claims = [claim("old", 2000, priority=True), claim("a", 2000), claim("b", 2000),
              claim("c", 1000)]
    stock = {"cabbage": 2, "greens": 4}  # 4 kg for 7 kg of need
    share = share_out(claims, stock, UNIT_G, CATEGORY, deterministic=True)
    assert share.status == "optimal"
    shares = {c.household: coverage(c, share.units[c.household], UNIT_G, CATEGORY)["veg"]
              for c in claims}
    priority, everyone = brute_force(claims, stock)
    assert round(shares["old"] * SCALE) >= priority == SCALE  # the elderly household first
    assert round(min(shares.values()) * SCALE) == everyone
    used = {i: sum(u.get(i, 0) for u in share.units.values()) for i in stock}
    assert all(used[i] <= stock[i] for i in stock)


def test_diets_limit_what_a_household_may_get() -> None:
    claims = [claim("soft", 1000, items=("greens",)), claim("any", 1000)]
    share = share_out(claims, {"cabbage": 1, "greens": 1}, UNIT_G, CATEGORY, deterministic=True)
    assert set(share.units["soft"]) <= {"greens"}
    assert share.min_coverage < 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs=st.lists(st.sampled_from([500, 1000, 1200, 1500, 2000]), min_size=1, max_size=3),
       cabbage=st.integers(0, 3), greens=st.integers(0, 3), first=st.booleans())
def test_flow_bound_is_never_below_the_optimum(needs: list[int], cabbage: int, greens: int,
                                                first: bool) -> None:
    claims = [claim(f"h{k}", n, priority=first and k == 0) for k, n in enumerate(needs)]
    stock = {"cabbage": cabbage, "greens": greens}
    everyone = list(range(len(claims)))
    _priority, best = brute_force([claim(c.household, c.need_g["veg"]) for c in claims], stock)
    assert _flow_bound(claims, everyone, dict.fromkeys(everyone, 0), "veg", stock,
                       UNIT_G) >= best
    share = share_out(claims, stock, UNIT_G, CATEGORY, deterministic=True)
    used = {i: sum(u.get(i, 0) for u in share.units.values()) for i in stock}
    assert all(used[i] <= stock[i] for i in stock)  # never more than in stock


def test_bags_keep_prevention_apart_and_within_the_limit() -> None:
    bags = pack({"rice": 9, "cabbage": 8, "masks": 3}, UNIT_G, CATEGORY, limit_g=10_000)
    kinds = [b.kind for b in bags]
    assert kinds == ["prevention", "living", "living"]
    assert all(b.weight_kg <= 10 for b in bags)
    assert sum(b.weight_kg for b in bags) == pytest.approx(17.3)
    prevention = bags[0]
    assert [(u.item, u.units) for u in prevention.contents] == [("masks", 3)]


def test_garbage_is_split_evenly() -> None:
    bags = split_weight("garbage", 23_000, 10_000)
    assert len(bags) == 3
    assert sum(b.weight_kg for b in bags) == pytest.approx(23.0)


def test_packing_line_releases_batches_after_the_dwell() -> None:
    packing = Packing(bag_s=60, dwell_s=600, batch_bags=4,
                      shifts=(PackingShift(staff=2, start=6 * 3600, end=7 * 3600),))
    batches, unpacked = pack_line([("a", 2), ("b", 2), ("c", 2)], packing)
    assert unpacked == []
    assert [b.households for b in batches] == [("a", "b"), ("c",)]
    assert batches[0].packed_s == 6 * 3600 + 120  # two staff, two bags each
    assert batches[0].release_s == batches[0].packed_s + 600


def test_packing_line_reports_what_the_shift_cannot_pack() -> None:
    packing = Packing(bag_s=1800, shifts=(PackingShift(staff=1, start=6 * 3600,
                                                       end=7 * 3600),))
    batches, unpacked = pack_line([("a", 2), ("b", 2)], packing)
    assert [b.households for b in batches] == [("a",)]
    assert unpacked == ["b"]


def test_night_shift_runs_into_the_delivery_day() -> None:
    night = PackingShift(staff=12, start=19 * 3600, end=5 * 3600, day_before=True)
    assert night.span_s() == (-5 * 3600, 5 * 3600)
