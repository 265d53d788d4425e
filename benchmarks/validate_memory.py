"""Validation benchmark: time and peak memory of ``supplyroute validate`` by compound size.

    python benchmarks/validate_memory.py [--sizes 25000 50000 100000 200000] [--keep DIR]

Generates a walk-up compound of each size (``supplyroute generate N``, default seed)
into a temporary folder, then validates each in a child process of its own and
prints a Markdown table: households, file size, wall time of the validation and the
child's peak resident memory (its own ``ru_maxrss``, from ``os.wait4``). Generation
runs in a child too and is not counted. Validation must stay linear in households:
the peak per household should not grow with the size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SIZES = (25_000, 50_000, 100_000, 200_000)


@dataclass(frozen=True)
class Row:
    """One compound validated."""

    households: int
    file_mb: float
    seconds: float
    peak_mb: float


def generate(households: int, folder: Path) -> Path:
    """A generated walk-up compound of ``households`` households, written in ``folder``."""
    path = folder / f"gen{households}.json"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "supplyroute", "generate", str(households),
                        "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def validate(path: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of ``supplyroute validate`` on ``path``, in a
    child process waited for with ``os.wait4`` (so the peak is that child's alone)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "supplyroute", "validate", str(path)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stdout.close()
    if child.returncode != 0 or not out.startswith("ok:"):
        raise SystemExit(f"validate {path} failed (exit {child.returncode}): {out}")
    # ru_maxrss is in KiB on Linux.
    return seconds, usage.ru_maxrss / 1024


def measure(households: int, folder: Path) -> Row:
    path = generate(households, folder)
    seconds, peak_mb = validate(path)
    return Row(households, path.stat().st_size / 1e6, seconds, peak_mb)


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| households | file MB | validate s | peak MB |", "|---|---|---|---|"]
    lines += [f"| {r.households:,} | {r.file_mb:.1f} | {r.seconds:.1f} | {r.peak_mb:,.0f} |"
              for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        metavar="N", help="households of each compound (default: %(default)s)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate into (and reuse from) DIR instead of a temporary folder")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="validate-memory-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            print(f"validating {n:,} households ...", file=sys.stderr, flush=True)
            rows.append(measure(n, folder))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
