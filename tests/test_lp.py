"""Unit tests of :mod:`supplyroute.bounds.lp`: the linear programs of the bounds, on
instances whose optimum is worked out by hand, and two equivalences the module relies
on (volunteers alike merged into one column; a relay LP split by components)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supplyroute.bounds.lp import (
    CARRY,
    CLIMB,
    FERRY,
    _relay_lp,
    maximise_served,
    minimise_makespan,
    minimise_relay_makespan,
    minimise_team,
)

TOL = 1e-6


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=TOL)


# minimise_makespan


def test_two_volunteers_split_the_work_evenly() -> None:
    """Two parcels costing 100 s for either of two volunteers: 100 s each."""
    value, x = minimise_makespan([2], [{0: 100.0, 1: 100.0}], [{}], [0.0, 0.0])
    assert close(value, 100.0)
    assert close(x[0, 0], 1.0) and close(x[0, 1], 1.0)


def test_a_slower_volunteer_takes_a_smaller_share() -> None:
    """Four parcels, 100 s each for v0 and 300 s for v1: v0 takes 3, v1 one, 300 s."""
    value, x = minimise_makespan([4], [{0: 100.0, 1: 300.0}], [{}], [0.0, 0.0])
    assert close(value, 300.0)
    assert close(x[0, 0], 3.0) and close(x[0, 1], 1.0)


def test_only_the_best_saving_of_a_volunteer_counts() -> None:
    """One volunteer, two parcels of 100 s; the walk back after the last one is free,
    but only once: with savings 50 and 80, the makespan is 200 - 80 = 120; with one
    unit of two parcels and saving 40, 200 - 40 = 160 (not 200 - 80)."""
    value, _ = minimise_makespan([1, 1], [{0: 100.0}, {0: 100.0}], [{0: 50.0}, {0: 80.0}],
                                 [0.0])
    assert close(value, 120.0)
    value, _ = minimise_makespan([2], [{0: 100.0}], [{0: 40.0}], [0.0])
    assert close(value, 160.0)


def test_offsets_are_fixed_work_before_the_shares() -> None:
    """Two parcels of 100 s; v1 has 100 s of fixed work: v0 takes 1.5 parcels, v1 0.5,
    both finish at 150 s."""
    value, x = minimise_makespan([2], [{0: 100.0, 1: 100.0}], [{}], [0.0, 100.0])
    assert close(value, 150.0)
    assert close(x[0, 0], 1.5) and close(x[0, 1], 0.5)


def test_a_unit_goes_only_to_who_may_do_it() -> None:
    """Unit 1 is v1's alone (100 s); unit 0 (10 s) then goes to v0: makespan 100 s."""
    value, x = minimise_makespan([1, 1], [{0: 10.0, 1: 10.0}, {1: 100.0}], [{}, {}],
                                 [0.0, 0.0])
    assert close(value, 100.0)
    assert (1, 0) not in x
    assert close(x[1, 1], 1.0) and close(x[0, 0], 1.0)


def test_merged_columns_stand_for_their_volunteers() -> None:
    """Three volunteers alike (one column of multiplicity 3) and six parcels of 100 s
    with a saving of 30 s: each takes two, 200 - 30 = 170 s; as three columns the same."""
    merged, x = minimise_makespan([6], [{0: 100.0}], [{0: 30.0}], [0.0], {0: 3})
    full, _ = minimise_makespan([6], [{0: 100.0, 1: 100.0, 2: 100.0}],
                                [{0: 30.0, 1: 30.0, 2: 30.0}], [0.0, 0.0, 0.0])
    assert close(merged, 170.0) and close(full, 170.0)
    assert close(x[0, 0], 6.0)


@st.composite
def makespan_instances(draw: st.DrawFn) -> tuple:
    """Units with counts, kinds of volunteers (multiplicity 1-3) with costs, savings
    and offsets; every unit has at least one kind that may do it."""
    kinds = draw(st.integers(1, 3))
    units = draw(st.integers(1, 4))
    mult = [draw(st.integers(1, 3)) for _ in range(kinds)]
    offsets = [float(draw(st.integers(0, 300))) for _ in range(kinds)]
    counts, costs, savings = [], [], []
    for _ in range(units):
        who = draw(st.lists(st.integers(0, kinds - 1), min_size=1, max_size=kinds,
                            unique=True))
        counts.append(draw(st.integers(1, 6)))
        costs.append({k: float(draw(st.integers(10, 500))) for k in who})
        savings.append({k: float(draw(st.integers(0, 100))) for k in who})
    return counts, costs, savings, offsets, mult


def _expand(costs: list[dict[int, float]], savings: list[dict[int, float]],
            offsets: list[float], mult: list[int]) -> tuple:
    """The unmerged program: each kind k as mult[k] columns of its own."""
    columns = [[k] * m for k, m in enumerate(mult)]
    first = [sum(mult[:k]) for k in range(len(mult))]
    full_costs = [{first[k] + i: c for k, c in row.items() for i in range(mult[k])}
                  for row in costs]
    full_savings = [{first[k] + i: s for k, s in row.items() for i in range(mult[k])}
                    for row in savings]
    full_offsets = [offsets[k] for col in columns for k in col]
    return full_costs, full_savings, full_offsets


@settings(max_examples=40, deadline=None, derandomize=True)
@given(makespan_instances())
def test_multiplicity_gives_the_optimum_of_the_unmerged_program(instance: tuple) -> None:
    """For random small programs, merging m volunteers alike into one column of
    multiplicity m gives the same optimum as m columns of their own."""
    counts, costs, savings, offsets, mult = instance
    merged, _ = minimise_makespan(counts, costs, savings, offsets, dict(enumerate(mult)))
    full, _ = minimise_makespan(counts, *_expand(costs, savings, offsets, mult))
    assert math.isclose(merged, full, rel_tol=1e-6, abs_tol=1e-6)


# minimise_relay_makespan


def relay_costs(carry: list[dict[int, float]], ferry: list[dict[int, float]],
                climb: list[dict[int, float]]) -> dict[str, list[dict[int, float]]]:
    return {CARRY: carry, FERRY: ferry, CLIMB: climb}


NO_SAVINGS_1 = {CARRY: [{}], FERRY: [{}], CLIMB: [{}]}


def test_relay_ferry_and_climber_share_the_work() -> None:
    """Two parcels: carrying costs v0 300 s each, ferrying 150 s; v1 climbs each in
    100 s. T = max(300 c + 150 f, 100 f) with c + f = 2 is least at f = 2: 300 s
    (carrying alone would take 600 s)."""
    value, x = minimise_relay_makespan(
        [2], relay_costs([{0: 300.0}], [{0: 150.0}], [{1: 100.0}]), NO_SAVINGS_1, [0.0, 0.0])
    assert close(value, 300.0)
    assert close(x[FERRY, 0, 0], 2.0) and close(x[CLIMB, 0, 1], 2.0)
    assert close(x[CARRY, 0, 0], 0.0)


def test_relay_climbs_after_charges_each_climbed_bag() -> None:
    """As above, but v1's climbing must also fit after 50 s a climbed bag (2 bags a
    parcel): its climbing row is 200 f <= T. With f = 2 - c,
    max(300 + 150 c, 400 - 200 c) is least at c = 2/7: T = 300 + 300/7."""
    value, x = minimise_relay_makespan(
        [2], relay_costs([{0: 300.0}], [{0: 150.0}], [{1: 100.0}]), NO_SAVINGS_1, [0.0, 0.0],
        climbs_after={1: (50.0, 0.0)}, unit_bags=[2.0])
    assert close(value, 300.0 + 300.0 / 7.0)
    assert close(x[CARRY, 0, 0], 2.0 / 7.0)
    # 100 s of slack: 200 f <= T + 100, so f = 2 fits T = 300 (400 <= 400).
    value, _ = minimise_relay_makespan(
        [2], relay_costs([{0: 300.0}], [{0: 150.0}], [{1: 100.0}]), NO_SAVINGS_1, [0.0, 0.0],
        climbs_after={1: (50.0, 100.0)}, unit_bags=[2.0])
    assert close(value, 300.0)


def test_relay_savings_and_idle_offsets() -> None:
    """A ferry's walk back after its last drop is free (saving 60 s of 150): 2 x 150 -
    60 = 240 s; a volunteer with no work still counts its offset (500 s)."""
    savings = {CARRY: [{}], FERRY: [{0: 60.0}], CLIMB: [{}]}
    costs = relay_costs([{}], [{0: 150.0}], [{1: 100.0}])
    value, _ = minimise_relay_makespan([2], costs, savings, [0.0, 0.0])
    assert close(value, 240.0)
    value, _ = minimise_relay_makespan([2], costs, savings, [0.0, 0.0, 500.0])
    assert close(value, 500.0)


@st.composite
def relay_instances(draw: st.DrawFn) -> tuple:
    """Two to four zones, each with its own volunteers (1-2) and units (1-2): every
    unit may be carried, ferried or climbed by some of its zone's volunteers."""
    zones = draw(st.integers(2, 4))
    counts: list[int] = []
    costs: dict[str, list[dict[int, float]]] = {k: [] for k in (CARRY, FERRY, CLIMB)}
    savings: dict[str, list[dict[int, float]]] = {k: [] for k in (CARRY, FERRY, CLIMB)}
    offsets: list[float] = []
    for _ in range(zones):
        first = len(offsets)
        members = list(range(first, first + draw(st.integers(1, 2))))
        offsets += [float(draw(st.integers(0, 200))) for _ in members]
        for _ in range(draw(st.integers(1, 2))):
            counts.append(draw(st.integers(1, 5)))
            carriers = draw(st.lists(st.sampled_from(members), min_size=1, unique=True))
            relays = draw(st.lists(st.sampled_from(members), unique=True))
            for kind, who in ((CARRY, carriers), (FERRY, relays), (CLIMB, relays)):
                costs[kind].append({v: float(draw(st.integers(20, 400))) for v in who})
                savings[kind].append({v: float(draw(st.integers(0, 50))) for v in who})
    # a volunteer with no work at all, and an offset of its own
    offsets.append(float(draw(st.integers(0, 600))))
    return counts, costs, savings, offsets


@settings(max_examples=40, deadline=None, derandomize=True)
@given(relay_instances())
def test_relay_components_give_the_optimum_of_one_program(instance: tuple) -> None:
    """Splitting the relay LP by zones (components) gives the optimum of the whole
    program solved at once (and of any idle volunteer's offset, if larger)."""
    counts, costs, savings, offsets = instance
    split, shares = minimise_relay_makespan(counts, costs, savings, offsets)
    whole, whole_shares = _relay_lp(list(range(len(counts))), counts, costs, savings, offsets,
                                    {}, [1.0] * len(counts), {})
    assert math.isclose(split, max(whole, offsets[-1]), rel_tol=1e-6, abs_tol=1e-6)
    assert set(shares) == set(whole_shares)
    for u, count in enumerate(counts):  # every unit fully served, climbed as ferried
        served = sum(a for (k, uu, _), a in shares.items() if uu == u and k != CLIMB)
        ferried = sum(a for (k, uu, _), a in shares.items() if uu == u and k == FERRY)
        climbed = sum(a for (k, uu, _), a in shares.items() if uu == u and k == CLIMB)
        assert math.isclose(served, count, abs_tol=1e-6)
        assert math.isclose(ferried, climbed, abs_tol=1e-6)


# maximise_served


def test_maximise_served_fills_the_time() -> None:
    """250 s for parcels of 100 s: 2.5 of 3; two volunteers alike: all 3."""
    value, x = maximise_served([3], [1.0], [{0: 100.0}], {0: 250.0})
    assert close(value, 2.5) and close(x[0, 0], 2.5)
    value, _ = maximise_served([3], [1.0], [{0: 100.0}], {0: 250.0}, {0: 2})
    assert close(value, 3.0)


def test_maximise_served_takes_the_heaviest_weights_first() -> None:
    """150 s: the one parcel of weight 5 (100 s), then half of one of weight 1."""
    value, x = maximise_served([2, 1], [1.0, 5.0], [{0: 100.0}, {0: 100.0}], {0: 150.0})
    assert close(value, 5.5)
    assert close(x[1, 0], 1.0) and close(x[0, 0], 0.5)


def test_maximise_served_sums_separate_zones_and_clips_negative_time() -> None:
    """Zone A (v0, 300 s, parcels of 100 s: 2 of 2) and zone B (v1, 50 s, parcels of
    100 s: 0.5): 2.5. A volunteer with no time left (negative) serves nothing."""
    value, _ = maximise_served([2, 4], [1.0, 1.0], [{0: 100.0}, {1: 100.0}],
                               {0: 300.0, 1: 50.0})
    assert close(value, 2.5)
    value, _ = maximise_served([2], [1.0], [{0: 100.0}], {0: -20.0})
    assert close(value, 0.0)


# minimise_team


def test_team_size_is_work_over_available_time() -> None:
    """Ten parcels of 720 s in shifts of 3600 s: two volunteers."""
    value, team = minimise_team([10], [{0: 720.0}], [{}], {0: 3600.0})
    assert close(value, 2.0) and close(team[0], 2.0)


def test_team_savings_count_once_per_volunteer() -> None:
    """One parcel of 1000 s whose last 400 s (the walk back) need not fit the 600 s
    shift: one volunteer (1.67 without the saving)."""
    value, _ = minimise_team([1], [{0: 1000.0}], [{0: 400.0}], {0: 600.0})
    assert close(value, 1.0)
    value, _ = minimise_team([1], [{0: 1000.0}], [{}], {0: 600.0})
    assert close(value, 1000.0 / 600.0)


@pytest.mark.parametrize(("carts", "expected", "cart_team"), [
    (None, 2.0, 2.0),  # 72 x 100 s by cart: two cart volunteers
    (1, 4.0, 1.0),     # one cart does 36; 36 x 300 s by hand: three more
])
def test_team_with_a_limit_on_carts(carts: int | None, expected: float,
                                    cart_team: float) -> None:
    """Kind 0 has a cart (100 s a parcel), kind 1 hands only (300 s), shifts of 3600 s."""
    value, team = minimise_team([72], [{0: 100.0, 1: 300.0}], [{}], {0: 3600.0, 1: 3600.0},
                                cart_kinds={0}, carts=carts)
    assert close(value, expected)
    assert close(team[0], cart_team)
