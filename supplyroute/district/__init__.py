"""The first echelon: vans from depots to the compounds' supply gates, joined to the
rounds inside (``plan_district``), checked end to end by the district checker
(``supplyroute.checks.check_district``)."""
