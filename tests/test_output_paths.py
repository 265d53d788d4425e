"""Output paths that never harm the machine: a device, a pipe, a socket or a path under
a file is refused with exit 2 before any work; only a regular file is replaced."""

from __future__ import annotations

import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from supplyroute.errors import InputError
from supplyroute.io import check_folder, check_writable, write_atomic
from tests.conftest import ROOT, cli

SCENARIO = str(ROOT / "examples" / "nanxiu12.json")
CYCLE = str(ROOT / "examples" / "bjxilu7-cycle.json")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    try:
        yield path
    finally:
        server.close()


@pytest.fixture
def under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "f").write_text("a file, not a folder\n")
    return tmp_path / "f" / "x.json"


def _commands(out: str) -> dict[str, list[str]]:
    """Every command that writes a file or a folder, with its output ``out``."""
    return {
        "plan": ["plan", SCENARIO, "--quiet", "--time-limit", "60", "-o", out],
        "generate": ["generate", "50", "-o", out],
        "template": ["template", "ledger", "-o", out],
        "staff": ["staff", SCENARIO, "--finish-by", "11:00", "--quiet", "-o", out],
        "compare": ["compare", SCENARIO, "--vary", "carts=+1", "--quiet", "-o", out],
        "cycle": ["cycle", CYCLE, "--quiet", "--time-limit", "60", "-o", out],
    }


def _refused_quickly(args: list[str], named: str) -> None:
    started = time.monotonic()
    done = cli(*args)
    assert done.returncode == 2, (args, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: output: "), done.stderr
    assert named in lines[0] and "Traceback" not in done.stderr
    assert time.monotonic() - started < 10, "refused only after the work"


@pytest.mark.parametrize("command", ["plan", "generate", "template", "staff", "compare",
                                     "cycle"])
def test_a_fifo_is_refused_before_any_work(command: str, fifo: Path) -> None:
    _refused_quickly(_commands(str(fifo))[command], str(fifo))
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("command", ["plan", "generate", "staff", "cycle"])
def test_a_socket_is_refused_before_any_work(command: str, unix_socket: Path) -> None:
    _refused_quickly(_commands(str(unix_socket))[command], str(unix_socket))
    assert stat.S_ISSOCK(unix_socket.stat().st_mode)


@pytest.mark.parametrize("command", ["plan", "generate", "template", "staff", "compare",
                                     "cycle"])
def test_a_path_under_a_file_is_refused_before_any_work(
        command: str, under_a_file: Path) -> None:
    _refused_quickly(_commands(str(under_a_file))[command], str(under_a_file))
    assert under_a_file.parent.read_text() == "a file, not a folder\n"


@pytest.mark.parametrize("command", ["plan", "generate", "template", "cycle"])
def test_dev_null_is_refused_before_any_work(command: str) -> None:
    _refused_quickly(_commands(os.devnull)[command], os.devnull)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_under_dev_null_is_refused() -> None:
    _refused_quickly(_commands(os.devnull + "/x.json")["plan"], os.devnull)


def test_replan_report_and_export_refuse_a_fifo(fifo: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    assert cli("plan", SCENARIO, "--quiet", "--deterministic", "--time-limit", "2",
               "-o", str(plan)).returncode == 0
    for args in (["replan", SCENARIO, str(plan), "--at", "09:00", "-o", str(fifo)],
                 ["report", SCENARIO, str(plan), "-o", str(fifo)],
                 ["export-geojson", SCENARIO, str(plan), "-o", str(fifo)],
                 ["sheets", SCENARIO, str(plan), "-o", str(fifo)]):
        _refused_quickly(args, str(fifo))
    # replan writes two files: standard output cannot take them
    done = cli("replan", SCENARIO, str(plan), "--at", "09:00", "-o", "-")
    assert done.returncode == 2 and "standard output" in done.stderr
    assert not (Path.cwd() / "-").exists()


def test_bench_refuses_a_file_as_its_folder(under_a_file: Path) -> None:
    _refused_quickly(["bench", "doorstep", "-o", str(under_a_file.parent)],
                     str(under_a_file.parent))
    _refused_quickly(["bench", "doorstep", "-o", str(under_a_file)], str(under_a_file))


def test_import_refuses_a_fifo(fifo: Path) -> None:
    desk = ROOT / "examples" / "desk"
    files = {p.stem: p for p in desk.iterdir()}
    layout, ledger, roster = (next(p for s, p in files.items() if s.startswith(k))
                              for k in ("layout", "ledger", "roster"))
    _refused_quickly(["import", "--layout", str(layout), "--ledger", str(ledger),
                      "--roster", str(roster), "-o", str(fifo)], str(fifo))


def test_a_regular_file_and_a_new_path_are_fine(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text("{}")
    write_atomic(old, "new\n")
    write_atomic(tmp_path / "new" / "deeper" / "x.json", "x\n")
    assert old.read_text() == "new\n"
    assert (tmp_path / "new" / "deeper" / "x.json").read_text() == "x\n"
    check_writable("-")
    check_folder(tmp_path / "a" / "b")


def test_write_atomic_itself_refuses_a_fifo_and_a_socket(
        fifo: Path, unix_socket: Path, under_a_file: Path) -> None:
    for target in (fifo, unix_socket, under_a_file):
        with pytest.raises(InputError) as caught:
            write_atomic(target, "never\n")
        assert caught.value.first.path == "output"
    assert stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISSOCK(unix_socket.stat().st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["f", "pipe", "sock"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a character device needs root")
def test_a_character_device_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    """As /dev/full would be, on a device of our own (the same as /dev/full: 1, 7), so
    that a failing guard replaces only that."""
    device = tmp_path / "full"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with pytest.raises(InputError):
        write_atomic(device, "never\n")
    _refused_quickly(_commands(str(device))["plan"], str(device))
    _refused_quickly(_commands(str(device))["cycle"], str(device))
    assert stat.S_ISCHR(device.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="the harm was done as root")
def test_dev_full_is_refused_as_root() -> None:
    """The guard runs before any write: /dev/full is refused by the check alone (no
    write is attempted here, so a failing guard could not replace it)."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(InputError) as caught:
        check_writable("/dev/full")
    assert "device" in caught.value.first.reason
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
