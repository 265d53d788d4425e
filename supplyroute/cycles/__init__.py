"""Supply cycles: the doorstep round over a horizon of days.

``calendar`` decides which household gets a delivery (and a visit, and a garbage
collection) on which day; ``days`` turns one day into the doorstep scenarios of its
delivery round and its garbage round; ``planner`` runs the whole horizon (stock,
fair shares, bags, packing, both rounds, fairness among volunteers); ``folder``
writes and reads the horizon folder. The horizon checker
(:func:`supplyroute.checks.check_horizon`) checks a horizon plan from the cycle
scenario alone.
"""
