"""The desk's pages in a real browser: headless Chromium opens the plan report of
kandan576 and a Chinese route sheet, and we check what a person would see (the DOM, a
screenshot that is not blank, no console errors), and print a sheet to PDF.

Skipped, with the reason, where no chromium binary is on PATH (install Debian's
``chromium``). The anzhen4389 writing test needs no browser.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from supplyroute import PlanOptions, load_scenario, plan
from supplyroute.models import Plan, Scenario
from supplyroute.reports.html_sheets import find_chromium, print_pdf, write_html_sheets
from supplyroute.reports.markdown_sheets import write_sheets
from supplyroute.reports.report import write_report

from .conftest import ROOT, ExamplePlan

BROWSER_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no chromium binary on PATH (apt-get install chromium): browser tests "
                    "skipped")
    return binary


@pytest.fixture(scope="module")
def kandan(example_plan: ExamplePlan) -> tuple[Scenario, Plan]:
    return example_plan("kandan576")


@pytest.fixture(scope="module")
def pages(kandan, tmp_path_factory) -> dict[str, Path]:
    scenario, result = kandan
    out = tmp_path_factory.mktemp("desk")
    report = write_report(scenario, result, out / "report.html", lang="en")
    sheets = write_html_sheets(scenario, result, out / "sheets", lang="zh")
    return {"report": report, "sheet": sheets[0]}


def _run(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _console_errors(stderr: str, page: Path) -> list[str]:
    """Console messages and uncaught errors of the page (it has no scripts: any message
    is an error)."""
    return [line for line in stderr.splitlines()
            if "Uncaught" in line or "console error" in line.lower()
            or (":CONSOLE" in line and page.name in line)]


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit RGB(A) PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        f, line = raw[base], bytearray(raw[base + 1:base + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def _non_white_share(path: Path) -> float:
    """The share of pixels of a screenshot that are not (nearly) white."""
    try:
        import matplotlib.image

        image = matplotlib.image.imread(str(path))
        rgb = image[..., :3]
        return float((rgb.min(axis=-1) < 0.94).mean())
    except ImportError:  # stdlib only: every 7th row and column
        width, height, rows = _png_pixels(path)
        channels = len(rows[0]) // width
        seen = dark = 0
        for row in rows[::7]:
            for x in range(0, width, 7):
                seen += 1
                dark += min(row[x * channels:x * channels + 3]) < 240
        return dark / seen


def _look(chromium: str, page: Path, tmp_path: Path) -> tuple[str, Path]:
    """The DOM after loading and a 1280 x 2000 screenshot, with no console errors."""
    dom = _run(chromium, "--enable-logging=stderr", "--v=1", "--dump-dom", page.as_uri())
    assert _console_errors(dom.stderr, page) == []
    shot = tmp_path / f"{page.stem}.png"
    done = _run(chromium, "--enable-logging=stderr", "--v=1", f"--screenshot={shot}",
                "--window-size=1280,2000", "--hide-scrollbars", page.as_uri())
    assert _console_errors(done.stderr, page) == []
    assert shot.exists() and shot.stat().st_size > 1000
    return dom.stdout, shot


def test_report_in_the_browser(chromium, kandan, pages, tmp_path) -> None:
    scenario, result = kandan
    dom, shot = _look(chromium, pages["report"], tmp_path)
    assert "<svg" in dom and re.search(r"<(path|polyline)\b", dom)
    trips = sum(len(vp.trips) for vp in result.volunteers)
    assert dom.count('class="trip"') == trips  # every trip drawn on the map
    assert dom.count('class="trip-bar"') == trips  # and on the timeline
    for volunteer in scenario.volunteers:
        assert f">{volunteer.id}<" in dom, volunteer.id
    assert 0.02 < _non_white_share(shot) < 0.9


def test_chinese_sheet_in_the_browser(chromium, kandan, pages, tmp_path) -> None:
    scenario, result = kandan
    dom, shot = _look(chromium, pages["sheet"], tmp_path)
    first = next(vp for vp in result.volunteers if vp.trips)
    assert f">{first.volunteer}<" in dom
    assert "路线单" in dom and "<svg" in dom and re.search(r"<(path|polyline)\b", dom)
    boxes = dom.count('class="box"')
    doors = sum(len(run.doors) + 0 for trip in first.trips for stop in trip.stops
                for run in stop.runs) + sum(len(stop.drops) for trip in first.trips
                                            for stop in trip.stops)
    assert boxes == doors  # a check box per household hand-over
    assert 0.02 < _non_white_share(shot) < 0.9


def test_sheet_prints_to_pdf(chromium, pages, tmp_path) -> None:
    pdf = print_pdf(pages["sheet"], tmp_path / "sheet.pdf", chromium)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000


def test_anzhen4389_papers_are_written(tmp_path) -> None:
    """Report and sheets for 4,389 households, whole and of sane size (how long it
    takes is measured by benchmarks/desk.py, not asserted here)."""
    scenario = load_scenario(ROOT / "examples" / "anzhen4389.json")
    result = plan(scenario, PlanOptions(method="manual"))
    report = write_report(scenario, result, tmp_path / "report.zh.html", lang="zh")
    html = write_html_sheets(scenario, result, tmp_path / "sheets", lang="zh")
    md = write_sheets(scenario, result, tmp_path / "sheets", lang="zh")
    working = [vp for vp in result.volunteers if vp.trips or vp.climbs]
    assert len(html) == len(md) == len(working) + 1
    assert 50_000 < report.stat().st_size < 20_000_000
    for path in (*html, *md):
        assert 200 < path.stat().st_size < 5_000_000, path


def test_sheets_command_prints_pdf(chromium, tmp_path, capsys) -> None:
    """``sheets --format pdf``: a PDF per sheet and for the index, no HTML left behind."""
    from supplyroute.cli import main
    from supplyroute.io import dump_model

    from .test_desk_sheets import _geographic

    scenario = _geographic()
    result = plan(scenario, PlanOptions(method="manual"))
    s_path, p_path = tmp_path / "s.json", tmp_path / "p.json"
    s_path.write_text(dump_model(scenario), encoding="utf-8")
    p_path.write_text(dump_model(result), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sheets", str(s_path), str(p_path), "-o", str(out), "--lang", "zh",
                 "--format", "pdf"]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["V1.zh.pdf", "index.zh.pdf"]
    assert all((out / name).read_bytes().startswith(b"%PDF") for name in written)
