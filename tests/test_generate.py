"""Generated compounds: valid scenarios of the asked size and shape, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplyroute.generate import CompoundSpec, Shape, Shifts, generate
from supplyroute.models import Scenario
from tests.conftest import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("spec", [
    CompoundSpec(households=300),
    CompoundSpec(households=1500, shape=Shape.HIGHRISE, zones=3, shifts=Shifts.TIGHT),
    CompoundSpec(households=2500, shape=Shape.MIXED, zones=4, volunteers=30, cart_share=0.5),
], ids=lambda s: s.default_name)
def test_generated_compound_is_what_was_asked(spec: CompoundSpec) -> None:
    data = generate(spec)
    scenario = Scenario.model_validate(data)
    assert len(scenario.households) == spec.households
    assert len({h.id for h in scenario.households}) == spec.households
    assert len(scenario.volunteers) == spec.volunteer_count
    lifts = {b.lift for b in scenario.buildings}
    assert lifts == {Shape.WALKUP: {False}, Shape.HIGHRISE: {True},
                     Shape.MIXED: {False, True}}[spec.shape]
    start, end = (7 * 3600, 23 * 3600) if spec.shifts is Shifts.OPEN else (8 * 3600, 14 * 3600)
    assert all((v.shift.start, v.shift.end) == (start, end) for v in scenario.volunteers)
    carts = sum(v.cart is not None for v in scenario.volunteers)
    assert abs(carts - spec.cart_share * spec.volunteer_count) <= max(1, spec.zones)
    if spec.zones:
        zones = {tuple(v.zone) for v in scenario.volunteers}
        assert len(zones) == spec.zones
        covered = {b for z in zones for b in z}
        assert covered == {b.id for b in scenario.buildings}
        # every zone group has someone in full PPE for its red-risk homes
        for zone in zones:
            assert any("ppe" in v.skills for v in scenario.volunteers if tuple(v.zone) == zone)
    else:
        assert all(v.zone is None for v in scenario.volunteers)
    urgent = [h for h in scenario.households if h.deadline is not None]
    assert len(urgent) == spec.households // 220
    assert generate(spec) == data  # reproducible
    assert generate(spec.model_copy(update={"seed": 1})) != data


def test_generate_command_writes_a_valid_scenario_and_refuses_bad_options(
        tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    done = cli("generate", "800", "--shape", "mixed", "--zones", "2", "-o", str(out))
    assert done.returncode == 0, done.stderr
    scenario = Scenario.model_validate(json.loads(out.read_text()))
    assert len(scenario.households) == 800
    assert "gen-mixed800-z2-open" in done.stdout
    bad = tmp_path / "bad.json"
    done = cli("generate", "800", "--zones", "500", "-o", str(bad))
    assert done.returncode == 2 and done.stderr.startswith("error: zones:"), done.stderr
    assert "Traceback" not in done.stderr and not bad.exists()


def test_a_folder_as_output_is_refused_before_any_work(tmp_path: Path) -> None:
    for command in (["generate", "50"], ["plan", str(ROOT / "examples" / "nanxiu12.json"),
                                         "--quiet"]):
        done = cli(*command, "-o", str(tmp_path))
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("error: output:") and "is a folder" in done.stderr
        assert "Traceback" not in done.stderr and list(tmp_path.iterdir()) == []
