"""Standard routing benchmarks: VRPLIB instances, best-known solutions, an evaluator.

The ground work of the benchmark suite (issue 4): the engines and the harness build on
these readers and on the evaluator, which never trusts a solver's own cost.
"""
