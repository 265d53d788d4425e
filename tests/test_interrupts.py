"""Ctrl-C on a district plan and on a cycle ends as on a round: within a second or two,
the best plan so far written and marked interrupted (exit 130), or nothing written and
said so when there is none yet; a second Ctrl-C abandons at once. Real processes, the
signal sent to the whole process group as a terminal sends it (Dask's workers and the
helper processes get it too)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from supplyroute.cli import main
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.horizon import HorizonPlan
from supplyroute.models.plan import Plan
from tests.conftest import ROOT

DISTRICT = ROOT / "examples" / "district.json"
CYCLE = ROOT / "examples" / "bjxilu7-cycle.json"
#: After Ctrl-C, the seconds the command may take to end.
PROMPT_S = 3.0


class Command:
    """``python -m supplyroute ARGS`` in a process group of its own, its standard error
    read line by line as it comes."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "supplyroute", *args], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.err: list[str] = []
        self.out: list[str] = []
        self.readers = [threading.Thread(target=self._read, args=(stream, into), daemon=True)
                        for stream, into in ((self.proc.stderr, self.err),
                                             (self.proc.stdout, self.out))]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line)

    def wait_for(self, text: str, timeout_s: float = 240) -> float:
        """Wait until a line of standard error holds ``text``; the time it came."""
        ends = time.monotonic() + timeout_s
        while not any(text in line for line in list(self.err)):
            assert self.proc.poll() is None, f"ended before {text!r}:\n{self.stderr}"
            assert time.monotonic() < ends, f"no {text!r} in {timeout_s} s:\n{self.stderr}"
            time.sleep(0.05)
        return time.monotonic()

    def ctrl_c(self) -> float:
        """Ctrl-C as a terminal sends it: to every process of the group."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return time.monotonic()

    def ended_within(self, since: float, seconds: float) -> int:
        """The exit code, asserting the command ended ``seconds`` after ``since``."""
        try:
            code = self.proc.wait(timeout=max(0.0, since + seconds - time.monotonic()) + 0.05)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {seconds} s after Ctrl-C:\n{self.stderr}")
        took = time.monotonic() - since
        for reader in self.readers:
            reader.join(timeout=5)
        print(f"ended {took:.2f} s after Ctrl-C")
        assert took <= seconds, f"took {took:.1f} s to end"
        return code

    def left_behind(self, wait_s: float = 2.0) -> list[str]:
        """Processes of the command's group still alive (not zombies) after ``wait_s``:
        Dask's workers, the vans' helper, a cycle's workers should all be gone."""
        ends = time.monotonic() + wait_s
        while True:
            alive = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                with contextlib.suppress(OSError):
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                    if fields[0] != "Z" and int(fields[2]) == self.proc.pid:
                        alive.append(stat.parent.name)
            if not alive or time.monotonic() > ends:
                return alive
            time.sleep(0.1)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    def kill(self) -> None:
        """The command and anything it left behind in its group, ended."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def command() -> Iterator[type[Command]]:
    """Start commands; whatever happens, none is left running."""
    started: list[Command] = []

    class Started(Command):
        def __init__(self, *args: str):
            super().__init__(*args)
            started.append(self)

    yield Started
    for c in started:
        c.kill()


def clean(run: Command) -> None:
    """No traceback, no chatter from Dask on standard error, no process left behind."""
    assert "Traceback" not in run.stderr, run.stderr
    assert "distributed." not in run.stderr, run.stderr
    assert "Warning" not in run.stderr, run.stderr
    if Path("/proc/self/stat").exists():
        assert run.left_behind() == []


def test_ctrl_c_on_a_district_keeps_the_iterations_planned(command, tmp_path: Path) -> None:
    """Between the iterations (the vans routed again on the Dask cluster's side), the
    first iteration's vans and rounds are the plan."""
    out = tmp_path / "d.json"
    run = command("plan", str(DISTRICT), "-o", str(out), "--deterministic", "--time-limit",
                  "120", "--round-time-limit", "120", "--round-effort", "0.34")
    run.wait_for("iteration 1:")
    time.sleep(0.5)
    code = run.ended_within(run.ctrl_c(), PROMPT_S)
    assert code == 130, run.stderr
    clean(run)
    made = DistrictPlan.model_validate_json(out.read_text(encoding="utf-8"))
    assert made.summary.interrupted and made.summary.iterations == 1
    assert "interrupted" in run.stdout
    assert main(["check", str(DISTRICT), str(out)]) == 0


def test_ctrl_c_cuts_a_districts_rounds_short(command, tmp_path: Path) -> None:
    """In the middle of the rounds (two minutes each): the round running hands over its
    best plan so far, the rounds not started get a first plan, all marked interrupted."""
    out = tmp_path / "d.json"
    run = command("plan", str(DISTRICT), "-o", str(out), "--workers", "1", "--time-limit",
                  "3", "--round-time-limit", "120")
    time.sleep(max(0.0, run.wait_for("planning 4 rounds") + 3 - time.monotonic()))
    code = run.ended_within(run.ctrl_c(), PROMPT_S)
    assert code == 130, run.stderr
    clean(run)
    made = DistrictPlan.model_validate_json(out.read_text(encoding="utf-8"))
    assert made.summary.interrupted
    assert any(c.plan.summary.interrupted for c in made.compounds)
    assert main(["check", str(DISTRICT), str(out)]) == 0


def test_ctrl_c_before_a_district_has_a_plan_writes_nothing(command, tmp_path: Path) -> None:
    """While the first vans' search runs (two minutes): no plan yet, nothing written."""
    out = tmp_path / "d.json"
    run = command("plan", str(DISTRICT), "-o", str(out), "--workers", "1", "--time-limit",
                  "120")
    time.sleep(max(0.0, run.wait_for("lots,") + 1 - time.monotonic()))
    code = run.ended_within(run.ctrl_c(), PROMPT_S)
    assert code == 130, run.stderr
    clean(run)
    assert "nothing written" in run.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_second_ctrl_c_abandons_a_district_on_dask(command, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    run = command("plan", str(DISTRICT), "-o", str(out), "--time-limit", "3",
                  "--round-time-limit", "120")
    time.sleep(max(0.0, run.wait_for("planning 4 rounds") + 2 - time.monotonic()))
    first = run.ctrl_c()
    time.sleep(0.2)
    run.ctrl_c()
    code = run.ended_within(first, PROMPT_S)
    assert code == 130, run.stderr
    clean(run)
    assert "nothing written" in run.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_ctrl_c_on_a_cycle_writes_the_days_planned(command, tmp_path: Path) -> None:
    """In the middle of the delivery rounds (80 s each, two days at a time): every day
    gets its rounds, those cut short and those not started marked interrupted."""
    folder = tmp_path / "horizon"
    run = command("cycle", str(CYCLE), "-o", str(folder), "--time-limit", "120")
    time.sleep(max(0.0, run.wait_for("bags packed day 14") + 3 - time.monotonic()))
    code = run.ended_within(run.ctrl_c(), PROMPT_S)
    assert code == 130, run.stderr
    clean(run)
    horizon = HorizonPlan.model_validate_json((folder / "horizon.json").read_text("utf-8"))
    assert horizon.summary.interrupted and horizon.days
    first = horizon.days[0].delivery_round
    assert first is not None
    plan = Plan.model_validate_json((folder / first.plan_file).read_text("utf-8"))
    assert plan.summary.interrupted
    assert "interrupted" in run.stdout
    assert main(["check", str(CYCLE), str(folder)]) == 0


def test_a_second_ctrl_c_abandons_a_cycle(command, tmp_path: Path) -> None:
    folder = tmp_path / "horizon"
    run = command("cycle", str(CYCLE), "-o", str(folder), "--time-limit", "120")
    time.sleep(max(0.0, run.wait_for("bags packed day 14") + 3 - time.monotonic()))
    first = run.ctrl_c()
    time.sleep(0.1)
    run.ctrl_c()
    code = run.ended_within(first, PROMPT_S)
    assert code == 130, run.stderr
    clean(run)
    assert "nothing written" in run.stderr
    assert list(tmp_path.iterdir()) == []
