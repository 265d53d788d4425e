"""Lower bounds: what no plan of a round can beat, with their proofs.

``carry`` bounds the carry-and-climb round; ``lp`` is the one module that talks to
OR-Tools' linear solver.
"""
