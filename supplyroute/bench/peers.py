"""Peer solvers run by the same harness: PyVRP and VROOM, when installed.

Filled in by the peers work; registers into :data:`supplyroute.bench.harness.SOLVERS`.
"""
