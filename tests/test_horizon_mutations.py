"""Single edits to a planned horizon folder, each refused by the horizon checker.

The 4-day bjxilu7 cycle is planned once per session (deterministic mode) and written to
a folder; each test copies the folder, makes one named edit to its files (horizon.json,
a day's round plan or scenario, a pick list) and expects the check to name a rule. Every
claim of the folder is an edit here: the rounds' bounds, gaps and optimality, the
allocation, coverage and short reasons, the volunteers on duty and relabelled carts, the
pick lists, every summary figure, and deliveries moved between days.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from supplyroute.checks.horizon import HorizonRule, check_horizon
from supplyroute.cycles.folder import read_horizon, write_horizon
from supplyroute.cycles.planner import CycleOptions, plan_cycle
from supplyroute.io import load_cycle_scenario
from supplyroute.models.cycle import CycleScenario
from tests.conftest import ROOT, cli

CYCLE = ROOT / "examples" / "bjxilu7-cycle.json"
DAYS = 4

Json = dict[str, Any]


@pytest.fixture(scope="session")
def cycle4() -> CycleScenario:
    """The bjxilu7 cycle's first four days, as ``cycle --days 4`` plans them."""
    cs = load_cycle_scenario(CYCLE)
    return cs.model_copy(update={"days": DAYS})


@pytest.fixture(scope="session")
def horizon4(cycle4: CycleScenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four days planned once per session, in deterministic mode, as a folder."""
    result = plan_cycle(cycle4, CycleOptions(time_limit_s=2, deterministic=True))
    return write_horizon(result.horizon, result.rounds,
                         tmp_path_factory.mktemp("horizon4") / "horizon")


# Editing the files of a copied folder.
def load(root: Path, rel: str) -> Json:
    return json.loads((root / rel).read_text(encoding="utf-8"))


def save(root: Path, rel: str, data: Json) -> None:
    (root / rel).write_text(json.dumps(data, indent=1), encoding="utf-8")


def horizon(root: Path, change: Callable[[Json], None]) -> None:
    data = load(root, "horizon.json")
    change(data)
    save(root, "horizon.json", data)


def day_file(d: int, name: str) -> str:
    return f"day-{d + 1:02d}/{name}"


def round_plan(root: Path, d: int, kind: str, change: Callable[[Json], None]) -> None:
    rel = day_file(d, f"{kind}.plan.json")
    data = load(root, rel)
    change(data)
    save(root, rel, data)


def round_scenario(root: Path, d: int, kind: str, change: Callable[[Json], None]) -> None:
    rel = day_file(d, f"{kind}.scenario.json")
    data = load(root, rel)
    change(data)
    save(root, rel, data)


def picklist(root: Path, d: int, change: Callable[[str], str]) -> None:
    path = root / day_file(d, "picklist.md")
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, "the pick list edit changed nothing"
    path.write_text(changed, encoding="utf-8")


def replace_once(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| household")]


def edit_row(change: Callable[[list[str]], list[str]], n: int = 0) -> Callable[[str], str]:
    """Change the cells of the n-th bag row of a pick list."""
    def edit(text: str) -> str:
        row = rows(text)[n]
        cells = [c.strip() for c in row.strip("|").split("|")]
        return text.replace(row, "| " + " | ".join(change(cells)) + " |", 1)
    return edit


def cell(i: int, value: str) -> Callable[[list[str]], list[str]]:
    def change(cells: list[str]) -> list[str]:
        return [*cells[:i], value, *cells[i + 1:]]
    return change


def set_in(path: list[Any], value: Any) -> Callable[[Json], None]:
    def change(data: Json) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def bump(path: list[Any], delta: float) -> Callable[[Json], None]:
    def change(data: Json) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] += delta
    return change


# Round claims: the day's plan and horizon.json edited together.
def proven_optimal(d: int, kind: str = "delivery") -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        round_plan(root, d, kind, set_in(["summary", "proven_optimal"], True))
    return edit


def optimal_at_makespan(d: int) -> Callable[[Path], None]:
    """Proven optimal, the bound raised to the makespan and the gap 0, in both files."""
    def edit(root: Path) -> None:
        def plan(data: Json) -> None:
            s = data["summary"]
            s.update(proven_optimal=True, lower_bound_s=s["makespan_s"], gap=0.0)
        round_plan(root, d, "delivery", plan)

        def summary(data: Json) -> None:
            r = data["days"][d]["delivery_round"]
            r.update(lower_bound_s=r["makespan_s"], gap=0.0)
        horizon(root, summary)
    return edit


def raised_bound(d: int, kind: str, share: float) -> Callable[[Path], None]:
    """The bound raised to ``share`` of the makespan, the gap to match, in both files."""
    def edit(root: Path) -> None:
        bound: dict[str, float] = {}

        def plan(data: Json) -> None:
            s = data["summary"]
            bound["lb"] = round(s["makespan_s"] * share, 2)
            s["lower_bound_s"] = bound["lb"]
            s["gap"] = round(s["makespan_s"] / bound["lb"] - 1, 5)
            bound["gap"] = s["gap"]
        round_plan(root, d, kind, plan)
        horizon(root, lambda data: data["days"][d][f"{kind}_round"].update(
            lower_bound_s=bound["lb"], gap=bound["gap"]))
    return edit


def bound_label(d: int, label: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        round_plan(root, d, "delivery", set_in(["summary", "bound"], label))
    return edit


def gap_changed(d: int, both: bool) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        if both:
            round_plan(root, d, "delivery", set_in(["summary", "gap"], 0.01))
        horizon(root, set_in(["days", d, "delivery_round", "gap"], 0.01))
    return edit


def round_figure(d: int, kind: str, name: str, value: Any) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, set_in(["days", d, f"{kind}_round", name], value))
    return edit


def round_files_of_day(d: int, other: int) -> Callable[[Path], None]:
    """Day ``d``'s delivery round pointed at day ``other``'s files (the summary too)."""
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            data["days"][d]["delivery_round"] = dict(data["days"][other]["delivery_round"])
        horizon(root, change)
    return edit


# The allocation, coverage and short reasons.
def allocation(d: int, name: str, value: Any) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, set_in(["days", d, "allocation", name], value))
    return edit


def delivery(d: int, x: int, change: Callable[[Json], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, lambda data: change(data["days"][d]["deliveries"][x]))
    return edit


def with_short(reason: str) -> Callable[[Json], None]:
    return set_in(["short"], reason)


def short_and_coverage(d: int, x: int) -> Callable[[Path], None]:
    """A fully covered delivery said to be short, its coverage and the day's figures
    lowered to match."""
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            day = data["days"][d]
            target = day["deliveries"][x]
            share = target["shares"][2]
            target["coverage"] = 0.5
            target["short"] = (f"{share['category']}: {share['need_kg'] / 2:g} of "
                               f"{share['need_kg']:g} kg (stock short, shared fairly)")
            day["allocation"].update(status="optimal", min_coverage=0.5, households_short=1)
            data["summary"]["short_days"] += 1
        horizon(root, change)
    return edit


# Duty and relabelled carts.
def swap_relabel(d: int) -> Callable[[Path], None]:
    """Two people of the day's relabel swap the work they were given: a cart's (V1, V2)
    and a cartless one's (V5 to V8). (Swapping the work of two volunteers alike in
    everything, carts too, changes nothing that the folder shows.)"""
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            relabel = data["days"][d]["relabel"]
            a = next(k for k in relabel if k in ("V1", "V2"))
            b = next(k for k in relabel if k in ("V5", "V6", "V7", "V8"))
            relabel[a], relabel[b] = relabel[b], relabel[a]
            for k in (a, b):
                if relabel[k] == k:
                    del relabel[k]
        horizon(root, change)
    return edit


def drop_relabel(d: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            data["days"][d]["relabel"] = {}
        horizon(root, change)
    return edit


def relabel_to(d: int, planned: str, person: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, lambda data: data["days"][d]["relabel"].update({planned: person}))
    return edit


def swap_carts(d: int) -> Callable[[Path], None]:
    """A cart handed to a volunteer of the same group without one, and the other way,
    in the day's scenario (the plan left as it is)."""
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            vs = data["volunteers"]
            with_cart = next(v for v in vs if v.get("cart"))
            without = next(v for v in vs if not v.get("cart") and not v.get("skills"))
            with_cart["cart"], without["cart"] = None, with_cart["cart"]
        round_scenario(root, d, "delivery", change)
    return edit


def swap_ids(d: int) -> Callable[[Path], None]:
    """Two cartless volunteers' ids swapped in the day's scenario and plan alike."""
    def edit(root: Path) -> None:
        def change(data: Json, key: str) -> None:
            text = json.dumps(data)
            text = text.replace('"V5"', '"@"').replace('"V6"', '"V5"').replace('"@"', '"V6"')
            data.clear()
            data.update(json.loads(text))
        round_scenario(root, d, "delivery", lambda data: change(data, "id"))
        round_plan(root, d, "delivery", lambda data: change(data, "volunteer"))
    return edit


# Deliveries moved, removed, duplicated; visits and garbage lists.
def move_delivery(src: int, dst: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            x = data["days"][src]["deliveries"].pop(-1)
            data["days"][dst]["deliveries"].append(x)
        horizon(root, change)
    return edit


def drop_delivery(d: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            data["days"][d]["deliveries"].pop(0)
            data["summary"]["deliveries"] -= 1
        horizon(root, change)
    return edit


def duplicate_delivery(d: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            deliveries = data["days"][d]["deliveries"]
            deliveries.append(dict(deliveries[0]))
            data["summary"]["deliveries"] += 1
        horizon(root, change)
    return edit


def list_edit(d: int, name: str, change: Callable[[list[Any]], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, lambda data: change(data["days"][d][name]))
    return edit


def summary(name: str, value: Any) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, set_in(["summary", *name.split(".")], value))
    return edit


def summary_bump(name: str, delta: float) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, bump(["summary", *name.split(".")], delta))
    return edit


def day_bump(path: list[Any], delta: float) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, bump(["days", *path], delta))
    return edit


def day_set(path: list[Any], value: Any) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, set_in(["days", *path], value))
    return edit


def load_bump(v: int, name: str, delta: float) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, bump(["volunteers", v, name], delta))
    return edit


def drop_load(root: Path) -> None:
    horizon(root, lambda data: data["volunteers"].pop())


def bag_item(d: int, x: int, old: str, new: str) -> Callable[[Path], None]:
    """One bag's item changed in horizon.json (weights kept when units weigh the same)."""
    def edit(root: Path) -> None:
        def change(data: Json) -> None:
            for bag in data["days"][d]["deliveries"][x]["bags"]:
                for u in bag["contents"]:
                    if u["item"] == old:
                        u["item"] = new
                        return
            raise AssertionError(f"no {old} in the bags")
        horizon(root, change)
    return edit


# Pick lists.
def delete_picklist(d: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / day_file(d, "picklist.md")).unlink()
    return edit


def picklist_edit(d: int, change: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        picklist(root, d, change)
    return edit


def item_swapped(old: str, new: str) -> Callable[[str], str]:
    """The first row holding ``old`` gets ``new`` in its place (same units)."""
    def change(text: str) -> str:
        row = next(r for r in rows(text) if old in r)
        return text.replace(row, row.replace(old, new, 1), 1)
    return change


def quantity_up(text: str) -> str:
    row = next(r for r in rows(text) if " × rice" in r)
    cells = row.split("|")
    contents = cells[5]
    first = contents.split(" × rice")[0].rsplit(" ", 1)
    n = int(first[-1])
    cells[5] = contents.replace(f"{n} × rice", f"{n + 1} × rice", 1)
    return text.replace(row, "|".join(cells), 1)


def drop_row(text: str) -> str:
    return text.replace(rows(text)[3] + "\n", "", 1)


def duplicate_row(text: str) -> str:
    row = rows(text)[3]
    return text.replace(row, row + "\n" + row, 1)


def household_renamed(text: str) -> str:
    row = rows(text)[0]
    hid = row.split("|")[1].strip()
    return text.replace(row, row.replace(hid, "B9-9-0909", 1), 1)


def first_line(prefix: str, change: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        line = next(line for line in text.splitlines() if line.startswith(prefix))
        return text.replace(line, change(line), 1)
    return edit


def total_changed(text: str) -> str:
    line = next(line for line in text.splitlines() if " bags in " in line)
    n, rest = line.split(" ", 1)
    return text.replace(line, f"{int(n) + 1} {rest}", 1)


def set_picklist_file(d: int, other: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        horizon(root, set_in(["days", d, "picklist_file"], day_file(other, "picklist.md")))
    return edit


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    # Each day's round claims (verify_claims) and the horizon's copy of them.
    ("proven-optimal-day1", proven_optimal(0)),
    ("proven-optimal-garbage-day2", proven_optimal(1, "garbage")),
    ("proven-optimal-at-makespan-day3", optimal_at_makespan(2)),
    ("bound-raised-day2", raised_bound(1, "delivery", 0.99)),
    ("bound-raised-day4", raised_bound(3, "delivery", 0.95)),
    ("bound-raised-garbage-day1", raised_bound(0, "garbage", 0.98)),
    ("bound-label-single-parcel-day1", bound_label(0, "single-parcel")),
    ("gap-changed-day1-both-files", gap_changed(0, both=True)),
    ("gap-changed-day2-horizon-only", gap_changed(1, both=False)),
    ("round-bound-horizon-only-day3", round_figure(2, "delivery", "lower_bound_s", 1300.0)),
    ("round-served-day2", round_figure(1, "delivery", "served", 46)),
    ("round-households-garbage-day3", round_figure(2, "garbage", "households", 89)),
    ("round-makespan-day4", round_figure(3, "delivery", "makespan_s", 1300.0)),
    ("round-files-of-day3-for-day1", round_files_of_day(0, 2)),
    # The allocation, coverage shares and short reasons.
    ("allocation-status-optimal-day1", allocation(0, "status", "optimal")),
    ("allocation-status-feasible-day3", allocation(2, "status", "feasible")),
    ("allocation-min-coverage-day2", allocation(1, "min_coverage", 0.9)),
    ("allocation-min-coverage-priority-day4", allocation(3, "min_coverage_priority", 0.8)),
    ("allocation-households-short-day1", allocation(0, "households_short", 1)),
    ("allocation-solve-s-day2", allocation(1, "solve_s", 1.5)),
    ("coverage-share-lowered-day1", delivery(0, 3, set_in(["coverage"], 0.9))),
    ("coverage-and-short-reason-day2", short_and_coverage(1, 5)),
    ("short-stock-on-covered-day1", delivery(0, 2, with_short(
        "vegetables: 3 of 6 kg (stock short, shared fairly)"))),
    ("short-not-packed-on-packed-day2", delivery(1, 0, with_short(
        "not packed: the packing shifts end before its bags"))),
    ("short-order-never-placed-day3", delivery(2, 1, with_short(
        "ordered 2 x insulin-pen, 1 in stock"))),
    ("short-free-text-day4", delivery(3, 4, with_short("the lift was out"))),
    ("share-need-kg-day1", delivery(0, 1, bump(["shares", 1, "need_kg"], 1.0))),
    ("share-packed-kg-day3", delivery(2, 6, bump(["shares", 0, "packed_kg"], -0.1))),
    ("days-covered-day2", delivery(1, 2, set_in(["days_covered"], 1))),
    ("bag-weight-day4", delivery(3, 0, bump(["bags", 1, "weight_kg"], 0.5))),
    ("bag-rice-to-flour-day1", bag_item(0, 0, "rice", "flour")),
    # Volunteers on duty and relabelled carts.
    ("on-duty-fewer-day1", day_bump([0, "volunteers_on_duty"], -1)),
    ("on-duty-more-day4", day_bump([3, "volunteers_on_duty"], 1)),
    ("relabel-swapped-day2", swap_relabel(1)),
    ("relabel-dropped-day3", drop_relabel(2)),
    ("relabel-to-unknown-day1", relabel_to(0, "V5", "V99")),
    ("relabel-extra-day4", relabel_to(3, "V3", "V5")),
    ("carts-swapped-in-scenario-day1", swap_carts(0)),
    ("carts-swapped-in-scenario-day4", swap_carts(3)),
    ("ids-swapped-in-round-day2", swap_ids(1)),
    # Pick lists.
    ("picklist-rice-to-pork-day1", picklist_edit(0, item_swapped("rice, 1 kg bag",
                                                                  "pork, 0.5 kg"))),
    ("picklist-eggs-to-tofu-day3", picklist_edit(2, item_swapped("eggs, box of 10",
                                                                  "tofu, 0.5 kg"))),
    ("picklist-quantity-day2", picklist_edit(1, quantity_up)),
    ("picklist-deleted-day2", delete_picklist(1)),
    ("picklist-deleted-day4", delete_picklist(3)),
    ("picklist-row-dropped-day1", picklist_edit(0, drop_row)),
    ("picklist-row-duplicated-day3", picklist_edit(2, duplicate_row)),
    ("picklist-kg-day4", picklist_edit(3, edit_row(cell(3, "9.9"), 1))),
    ("picklist-bag-kind-day1", picklist_edit(0, edit_row(cell(2, "medicine"), 2))),
    ("picklist-household-day2", picklist_edit(1, household_renamed)),
    ("picklist-loads-at-day3", picklist_edit(2, edit_row(cell(1, "11:11"), 0))),
    ("picklist-batch-bags-day1", picklist_edit(0, first_line(
        "## Batch 1:", lambda line: line.replace(" bags,", "1 bags,", 1)))),
    ("picklist-released-day2", picklist_edit(1, first_line(
        "## Batch 2:", lambda line: line.rsplit("released ", 1)[0] + "released 11:59"))),
    ("picklist-total-day4", picklist_edit(3, total_changed)),
    ("picklist-stairwell-day1", picklist_edit(0, first_line(
        "### ", lambda line: line[:-1] + ("2" if line.endswith("1") else "1")))),
    ("picklist-emptied-day3", picklist_edit(2, lambda text: "# Pick list\n")),
    ("picklist-file-of-day1-for-day3", set_picklist_file(2, 0)),
    # Every summary figure.
    ("summary-days", summary_bump("days", 1)),
    ("summary-deliveries", summary_bump("deliveries", -1)),
    ("summary-visits", summary_bump("visits", 1)),
    ("summary-garbage-pickups", summary_bump("garbage_pickups", -2)),
    ("summary-busiest-day", summary_bump("busiest_day_over_mean", 0.05)),
    ("summary-worst-gap", summary_bump("worst_gap", -0.05)),
    ("summary-worst-gap-none", summary("worst_gap", None)),
    ("summary-unserved", summary_bump("unserved", 1)),
    ("summary-undelivered", summary_bump("undelivered", 1)),
    ("summary-short-days", summary_bump("short_days", 1)),
    ("summary-fairness-floors", summary_bump("fairness.floors_max_over_mean", -0.05)),
    ("summary-fairness-kg", summary_bump("fairness.kg_max_over_mean", 0.1)),
    ("summary-fairness-hours", summary_bump("fairness.hours_max_over_mean", 0.02)),
    ("summary-solve-s-negative", summary("solve_s", -1.0)),
    # Per-day figures, stock, releases, volunteers' loads.
    ("work-s-day2", day_bump([1, "work_s"], 600)),
    ("estimated-work-negative-day3", day_set([2, "estimated_work_s"], -5.0)),
    ("stock-opening-day2", day_bump([1, "stock", 3, "opening"], 2)),
    ("stock-used-day3", day_bump([2, "stock", 5, "used"], -1)),
    ("release-at-day1", day_bump([0, "releases", 1, "at"], 300)),
    ("release-bags-day4", day_bump([3, "releases", 0, "bags"], 1)),
    ("load-days", load_bump(0, "days", -1)),
    ("load-floors", load_bump(2, "floors_climbed", 5)),
    ("load-carry-kg", load_bump(4, "carry_kg", -3)),
    ("load-hours", load_bump(6, "hours", 0.2)),
    ("load-line-dropped", drop_load),
    # Deliveries moved between days, dropped, duplicated; visits and garbage lists.
    ("delivery-moved-day1-to-day2", move_delivery(0, 1)),
    ("delivery-moved-day4-to-day3", move_delivery(3, 2)),
    ("delivery-dropped-day2", drop_delivery(1)),
    ("delivery-duplicated-day3", duplicate_delivery(2)),
    ("visit-added-day1", list_edit(0, "visits", lambda v: v.append("B1-1-0101"))),
    ("visit-dropped-day2", list_edit(1, "visits", lambda v: v.pop())),
    ("garbage-home-dropped-day3", list_edit(2, "garbage", lambda v: v.pop())),
    ("scenario-name", lambda root: horizon(root, set_in(["scenario"], "another"))),
]


def test_edits_are_named_once() -> None:
    names = [name for name, _ in EDITS]
    assert len(names) == len(set(names)) and len(names) >= 60


def test_unedited_folder_is_accepted(horizon4: Path) -> None:
    result = cli("check", str(CYCLE), str(horizon4))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("name", "edit"), EDITS, ids=[name for name, _ in EDITS])
def test_edit_is_refused(name: str, edit: Callable[[Path], None], cycle4: CycleScenario,
                         horizon4: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(horizon4, tmp_path / "horizon"))
    edit(root)
    violations = check_horizon(cycle4, read_horizon(root))
    assert violations, f"{name}: accepted"
    assert all(isinstance(v.rule, HorizonRule) and str(v).startswith(f"{v.rule.value}: ")
               for v in violations)


@pytest.mark.parametrize("name", ["proven-optimal-day1", "allocation-status-optimal-day1",
                                  "picklist-deleted-day2", "relabel-swapped-day2"])
def test_edit_is_refused_by_the_command(name: str, horizon4: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(horizon4, tmp_path / "horizon"))
    dict(EDITS)[name](root)
    result = cli("check", str(CYCLE), str(root))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "violations" in result.stdout
