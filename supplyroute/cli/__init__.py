"""The ``supplyroute`` command: a thin layer over the library.

Each group of commands is a module that registers its own subcommands:
:mod:`.rounds` (validate, plan, check, replan), :mod:`.cycles` (cycle),
:mod:`.staffing` (staff, compare), :mod:`.desk` (template, import, sheets, report,
export-geojson), :mod:`.tools` (generate, schema) and :mod:`.bench` (bench); what they
share is in :mod:`.common`.

Exit codes: 0 ok; 1 internal error; 2 invalid input (one line with the JSON path and
the reason, no output written); 3 the plan leaves households unserved (the partial plan
is still written); 4 ``check`` found violations; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from supplyroute import __version__
from supplyroute.cli import bench, common, cycles, desk, rounds, staffing, tools
from supplyroute.errors import ExitCode, InputError

#: The command groups, in the order ``--help`` lists their commands.
GROUPS = (rounds, cycles, staffing, desk, tools, bench)


def parser() -> argparse.ArgumentParser:
    """The command line's parser: every group's subcommands."""
    top = argparse.ArgumentParser(
        prog="supplyroute",
        description="Plan how supply bags reach every household of a sealed compound.",
    )
    top.add_argument("--version", action="version", version=f"supplyroute {__version__}")
    top.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = top.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args))
    except InputError as exc:
        more = f" (and {len(exc.issues) - 1} more)" if len(exc.issues) > 1 else ""
        print(f"error: {exc.first}{more}", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing written", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # the reader went away (``supplyroute ... | head``): not an error
        common.quiet_stdout()
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence of a CLI
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
              file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
