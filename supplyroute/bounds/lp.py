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
