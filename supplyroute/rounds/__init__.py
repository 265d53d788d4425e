"""Doorstep rounds: one day's carrying from a compound's gate to its doors.

One module per way of planning a round on the same prepared scenario
(:class:`~supplyroute.rounds.base.Context`): ``carry`` (the optimiser: each volunteer
carries its bags from the gate up the stairs), ``exact`` (a proof of optimality on tiny
compounds) and ``manual`` (the by-hand method of the reports). ``trip_routes`` is the
carry planner's use of the routing layer.
"""
