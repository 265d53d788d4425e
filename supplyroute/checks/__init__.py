"""The independent checkers: every plan recomputed from its scenario, every claim argued
again.

``check`` (a doorstep round, :mod:`.round`, and nobody left out while a volunteer
could still go, :mod:`.left_out`), ``check_replan`` (what a replan had to keep and its
figures, :mod:`.replan`), ``verify_claims`` (a round's bound and optimality, a
replan's from its kept work, :mod:`.claims`), ``check_horizon`` (a supply cycle,
:mod:`.horizon`, with its ration fill, each day's claims and the pick lists) and
``check_district`` (a district's vans, rounds, bound and gap, :mod:`.district`) share
one :class:`Violation` (rule, path, message).
They import the models and their own arithmetic only (:mod:`.physics`), never a
planner, a bound or the compound floor, so that a mistake in the planner cannot pass
its own check.
"""

from supplyroute.checks.claims import verify_claims
from supplyroute.checks.district import check_district
from supplyroute.checks.district_rules import DistrictRule
from supplyroute.checks.horizon import check_horizon
from supplyroute.checks.horizon_rules import HorizonRule
from supplyroute.checks.replan import check_replan
from supplyroute.checks.round import check
from supplyroute.checks.round_rules import RoundRule
from supplyroute.checks.violations import Violation

__all__ = ["DistrictRule", "HorizonRule", "RoundRule", "Violation", "check", "check_district",
           "check_horizon", "check_replan", "verify_claims"]
