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
    offsets: list[float], multiplicity: dict[int, int] | None = None,
) -> tuple[float, dict[tuple[int, int], float]]:
    """Solve the LP; return its optimum and ``x`` as ``{(unit, volunteer): amount}``.

    ``multiplicity[v] = m`` makes column ``v`` stand for ``m`` volunteers alike in every
    cost and saving (and offset): their work rows summed, ``sum x cost - sum y saving
    <= m (T - offset)`` with ``sum y <= m``. Any solution of the full program sums into
    one of these, and one of these split evenly is one of the full program, so the
    optimum is the same, from a far smaller program."""
    multiplicity = multiplicity or {}
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
                y = solver.NumVar(0.0, float(multiplicity.get(v, 1)), f"y_{u}_{v}")
                solver.Add(y <= var)
                last.setdefault(v, []).append(y)
                load[v].append((y, -saving))
        solver.Add(solver.Sum(terms) == float(count))
    for v, ys in sorted(last.items()):
        solver.Add(solver.Sum(ys) <= float(multiplicity.get(v, 1)))
    for v, terms in sorted(load.items()):
        m = multiplicity.get(v, 1)
        solver.Add(solver.Sum([var * cost for var, cost in terms]) - m * makespan
                   <= -m * offsets[v])
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
    climbs_after: dict[int, tuple[float, float]] | None = None,
    unit_bags: list[float] | None = None, multiplicity: dict[int, int] | None = None,
) -> tuple[float, dict[tuple[str, int, int], float]]:
    """The makespan LP of a relay round. Each unit's ``count`` parcels are carried (by
    volunteers who bring them and take them up) or ferried to the entrance; as many as
    are ferried are climbed:

        sum_v carry[u][v] + sum_v ferry[u][v] = count[u]
        sum_w climb[u][w] = sum_v ferry[u][v]

    Every volunteer's work, less at most one unit share's saving ``y <= x`` (of any
    kind), fits in T minus its offset. Where ``climbs_after[v] = (per_bag_s, slack_s)``
    is given, v's climbing, each climbed bag charged ``per_bag_s`` more (a unit's
    parcels hold ``unit_bags[u]`` bags each), fits in T plus ``slack_s``.
    ``costs[kind][u]`` maps volunteer to cost per parcel; ``multiplicity`` merges
    volunteers alike as in :func:`minimise_makespan`.
    Returns the optimum and ``{(kind, unit, volunteer): amount}``.

    Units and volunteers that share no work (zones, say) form separate programs whose
    optima are combined by their maximum: the same optimum, found much faster."""
    components = _components(len(counts), costs)
    value = 0.0
    shares: dict[tuple[str, int, int], float] = {}
    for units in components:
        part, found = _relay_lp(units, counts, costs, savings, offsets, climbs_after or {},
                                unit_bags or [1.0] * len(counts), multiplicity or {})
        value = max(value, part)
        shares.update(found)
    volunteers_with_work = {v for kind in costs for row in costs[kind] for v in row}
    idle = [offsets[v] for v in range(len(offsets)) if v not in volunteers_with_work]
    return max([value, *idle]), shares


def _components(n_units: int, costs: dict[str, list[dict[int, float]]]) -> list[list[int]]:
    """Units grouped by the volunteers they can go to, transitively."""
    parent = list(range(n_units))

    def root(u: int) -> int:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    first_unit: dict[int, int] = {}
    for u in range(n_units):
        for kind in costs:
            for v in costs[kind][u]:
                if v in first_unit:
                    parent[root(u)] = root(first_unit[v])
                else:
                    first_unit[v] = u
    groups: dict[int, list[int]] = {}
    for u in range(n_units):
        groups.setdefault(root(u), []).append(u)
    return [groups[r] for r in sorted(groups)]


def _relay_lp(units: list[int], counts: list[int], costs: dict[str, list[dict[int, float]]],
              savings: dict[str, list[dict[int, float]]], offsets: list[float],
              climbs_after: dict[int, tuple[float, float]], unit_bags: list[float],
              multiplicity: dict[int, int],
              ) -> tuple[float, dict[tuple[str, int, int], float]]:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise LPError("GLOP is not available in this OR-Tools build")
    inf = solver.infinity()
    makespan = solver.NumVar(0.0, inf, "T")
    x: dict[tuple[str, int, int], pywraplp.Variable] = {}
    work: dict[int, pywraplp.Constraint] = {}
    last: dict[int, pywraplp.Constraint] = {}

    climbing: dict[int, pywraplp.Constraint] = {}

    def work_row(v: int) -> pywraplp.Constraint:
        if v not in work:
            m = multiplicity.get(v, 1)
            work[v] = solver.Constraint(-inf, -m * offsets[v])
            work[v].SetCoefficient(makespan, -float(m))
        return work[v]

    def climb_row(v: int) -> pywraplp.Constraint | None:
        if v not in climbs_after:
            return None
        if v not in climbing:
            m = multiplicity.get(v, 1)
            climbing[v] = solver.Constraint(-inf, m * climbs_after[v][1])
            climbing[v].SetCoefficient(makespan, -float(m))
        return climbing[v]

    for u in units:
        count = float(counts[u])
        served = solver.Constraint(count, count)  # carried + ferried = count
        climbed = solver.Constraint(0.0, 0.0)  # climbed - ferried = 0
        for kind in (CARRY, FERRY, CLIMB):
            for v, cost in sorted(costs[kind][u].items()):
                var = solver.NumVar(0.0, count, "")
                x[kind, u, v] = var
                if kind == CLIMB:
                    climbed.SetCoefficient(var, 1.0)
                    row = climb_row(v)
                    if row is not None:
                        row.SetCoefficient(var, cost + climbs_after[v][0] * unit_bags[u])
                else:
                    served.SetCoefficient(var, 1.0)
                    if kind == FERRY:
                        climbed.SetCoefficient(var, -1.0)
                work_row(v).SetCoefficient(var, cost)
                saving = savings[kind][u].get(v, 0.0)
                if saving > 0:
                    y = solver.NumVar(0.0, float(multiplicity.get(v, 1)), "")
                    tie = solver.Constraint(-inf, 0.0)  # y <= x
                    tie.SetCoefficient(y, 1.0)
                    tie.SetCoefficient(var, -1.0)
                    if v not in last:
                        last[v] = solver.Constraint(-inf, float(multiplicity.get(v, 1)))
                    last[v].SetCoefficient(y, 1.0)
                    work_row(v).SetCoefficient(y, -saving)
    solver.Objective().SetCoefficient(makespan, 1.0)
    solver.Objective().SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise LPError(f"the relay makespan LP ended with status {status}")
    return makespan.solution_value(), {key: var.solution_value() for key, var in x.items()}


def maximise_served(counts: list[int], weights: list[float], costs: list[dict[int, float]],
                    capacity: dict[int, float], multiplicity: dict[int, int] | None = None,
                    ) -> tuple[float, dict[tuple[int, int], float]]:
    """The most (weighted) work that fits the volunteers' time:

        maximise    sum_u weight[u] * sum_v x[u][v]
        subject to  sum_u x[u][v] * cost[u][v] <= m_v * capacity[v]   for every v
                    sum_v x[u][v] <= count[u]                          for every unit u
                    x >= 0, defined only where cost[u][v] is given.

    Returns the optimum and ``x`` as ``{(unit, volunteer): amount}``; ``multiplicity``
    as in :func:`minimise_makespan`. Units and volunteers that share no work form
    separate programs (zones), solved one by one."""
    multiplicity = multiplicity or {}
    value = 0.0
    shares: dict[tuple[int, int], float] = {}
    for units in _components(len(counts), {"carry": costs}):
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
            raise LPError("GLOP is not available in this OR-Tools build")
        inf = solver.infinity()
        time_rows: dict[int, pywraplp.Constraint] = {}
        x: dict[tuple[int, int], pywraplp.Variable] = {}
        objective = solver.Objective()
        for u in units:
            served = solver.Constraint(0.0, float(counts[u]))
            for v, cost in sorted(costs[u].items()):
                if v not in time_rows:
                    time_rows[v] = solver.Constraint(
                        -inf, max(0.0, multiplicity.get(v, 1) * capacity[v]))
                var = solver.NumVar(0.0, float(counts[u]), "")
                x[u, v] = var
                served.SetCoefficient(var, 1.0)
                time_rows[v].SetCoefficient(var, cost)
                objective.SetCoefficient(var, weights[u])
        objective.SetMaximization()
        status = solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise LPError(f"the service LP ended with status {status}")
        value += objective.Value()
        shares.update({key: var.solution_value() for key, var in x.items()})
    return value, shares


def minimise_team(counts: list[int], costs: list[dict[int, float]],
                  savings: list[dict[int, float]], available: dict[int, float],
                  cart_kinds: set[int] | None = None, carts: int | None = None,
                  ) -> tuple[float, dict[int, float]]:
    """The fewest volunteers, of any kinds and as many of each as wanted, whose work
    fits each kind's available time:

        minimise    sum_k n[k]
        subject to  sum_u x[u][k] * cost[u][k] - sum_u y[u][k] * saving[u][k]
                        <= n[k] * available[k]                      for every kind k
                    y[u][k] <= x[u][k],  sum_u y[u][k] <= n[k]
                    sum_k x[u][k] = count[u]                         for every unit u
                    sum_{k with a cart} n[k] <= carts               (if carts is given)
                    x, y, n >= 0, x defined only where cost[u][k] is given.

    Returns the optimum (None-free: raises :class:`LPError` if no team can) and the
    number of each kind."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise LPError("GLOP is not available in this OR-Tools build")
    inf = solver.infinity()
    team = {k: solver.NumVar(0.0, inf, f"n_{k}") for k in sorted(available)}
    work = {k: solver.Constraint(-inf, 0.0) for k in team}
    lasts = {k: solver.Constraint(-inf, 0.0) for k in team}
    for k, n in team.items():
        work[k].SetCoefficient(n, -available[k])
        lasts[k].SetCoefficient(n, -1.0)
    for u, (count, row) in enumerate(zip(counts, costs, strict=True)):
        served = solver.Constraint(float(count), float(count))
        for k, cost in sorted(row.items()):
            x = solver.NumVar(0.0, float(count), "")
            served.SetCoefficient(x, 1.0)
            work[k].SetCoefficient(x, cost)
            saving = savings[u].get(k, 0.0)
            if saving > 0:
                y = solver.NumVar(0.0, float(count), "")
                tie = solver.Constraint(-inf, 0.0)  # y <= x
                tie.SetCoefficient(y, 1.0)
                tie.SetCoefficient(x, -1.0)
                lasts[k].SetCoefficient(y, 1.0)
                work[k].SetCoefficient(y, -saving)
    if carts is not None and cart_kinds:
        limit = solver.Constraint(-inf, float(carts))
        for k in cart_kinds & set(team):
            limit.SetCoefficient(team[k], 1.0)
    objective = solver.Objective()
    for n in team.values():
        objective.SetCoefficient(n, 1.0)
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise LPError(f"the team LP ended with status {status}")
    return objective.Value(), {k: n.solution_value() for k, n in team.items()}
