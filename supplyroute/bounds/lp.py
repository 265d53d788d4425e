"""The one module that talks to OR-Tools' linear solver (GLOP).

A makespan LP over a fractional assignment of work to volunteers:

    minimise T
    subject to  sum_u x[u][v] * cost[u][v] - T <= tail[v]     for every volunteer v
                sum_v x[u][v] = count[u]                        for every unit u
                x >= 0, defined only where cost[u][v] is given.
"""

from __future__ import annotations

from ortools.linear_solver import pywraplp


class LPError(RuntimeError):
    """The LP solver did not reach an optimum."""


def minimise_makespan(
    counts: list[int], costs: list[dict[int, float]], savings: list[dict[int, float]],
    offsets: list[float],
) -> tuple[float, dict[tuple[int, int], float]]:
    """Solve the LP; return its optimum and ``x`` as ``{(unit, volunteer): amount}``."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise LPError("GLOP is not available in this OR-Tools build")
    makespan = solver.NumVar(0.0, solver.infinity(), "T")
    x: dict[tuple[int, int], pywraplp.Variable] = {}
    load: dict[int, list[tuple[pywraplp.Variable, float]]] = {}
    last: dict[int, list[pywraplp.Variable]] = {}
    for u, (count, row) in enumerate(zip(counts, costs, strict=True)):
        if not row:
            continue
        terms = []
        for v, cost in sorted(row.items()):
            var = solver.NumVar(0.0, float(count), f"x_{u}_{v}")
            x[u, v] = var
            terms.append(var)
            load.setdefault(v, []).append((var, cost))
            saving = savings[u].get(v, 0.0)
            if saving > 0:
                y = solver.NumVar(0.0, 1.0, f"y_{u}_{v}")
                solver.Add(y <= var)
                last.setdefault(v, []).append(y)
                load[v].append((y, -saving))
        solver.Add(solver.Sum(terms) == float(count))
    for _, ys in sorted(last.items()):
        solver.Add(solver.Sum(ys) <= 1.0)
    for v, terms in sorted(load.items()):
        solver.Add(solver.Sum([var * cost for var, cost in terms]) - makespan <= -offsets[v])
    solver.Minimize(makespan)
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise LPError(f"the makespan LP ended with status {status}")
    return makespan.solution_value(), {key: var.solution_value() for key, var in x.items()}


#: The three ways a relay LP unit's work is done, in the keys of its solution.
CARRY, FERRY, CLIMB = "carry", "ferry", "climb"


def minimise_relay_makespan(
    counts: list[int], costs: dict[str, list[dict[int, float]]],
    savings: dict[str, list[dict[int, float]]], offsets: list[float],
) -> tuple[float, dict[tuple[str, int, int], float]]:
    """The makespan LP of a relay round. Each unit's ``count`` parcels are carried (by
    volunteers who bring them and take them up) or ferried to the entrance; as many as
    are ferried are climbed:

        sum_v carry[u][v] + sum_v ferry[u][v] = count[u]
        sum_w climb[u][w] = sum_v ferry[u][v]

    Every volunteer's work, less at most one unit share's saving ``y <= x`` (of any
    kind), fits in T minus its offset. ``costs[kind][u]`` maps volunteer to cost per
    parcel. Returns the optimum and ``{(kind, unit, volunteer): amount}``."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise LPError("GLOP is not available in this OR-Tools build")
    makespan = solver.NumVar(0.0, solver.infinity(), "T")
    x: dict[tuple[str, int, int], pywraplp.Variable] = {}
    load: dict[int, list[tuple[pywraplp.Variable, float]]] = {}
    last: dict[int, list[pywraplp.Variable]] = {}
    for u, count in enumerate(counts):
        by_kind: dict[str, list[pywraplp.Variable]] = {CARRY: [], FERRY: [], CLIMB: []}
        for kind in (CARRY, FERRY, CLIMB):
            for v, cost in sorted(costs[kind][u].items()):
                var = solver.NumVar(0.0, float(count), f"{kind}_{u}_{v}")
                x[kind, u, v] = var
                by_kind[kind].append(var)
                load.setdefault(v, []).append((var, cost))
                saving = savings[kind][u].get(v, 0.0)
                if saving > 0:
                    y = solver.NumVar(0.0, 1.0, f"y_{kind}_{u}_{v}")
                    solver.Add(y <= var)
                    last.setdefault(v, []).append(y)
                    load[v].append((y, -saving))
        solver.Add(solver.Sum(by_kind[CARRY] + by_kind[FERRY]) == float(count))
        solver.Add(solver.Sum(by_kind[CLIMB]) == solver.Sum(by_kind[FERRY]))
    for _, ys in sorted(last.items()):
        solver.Add(solver.Sum(ys) <= 1.0)
    for v, terms in sorted(load.items()):
        solver.Add(solver.Sum([var * cost for var, cost in terms]) - makespan <= -offsets[v])
    solver.Minimize(makespan)
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise LPError(f"the relay makespan LP ended with status {status}")
    return makespan.solution_value(), {key: var.solution_value() for key, var in x.items()}
