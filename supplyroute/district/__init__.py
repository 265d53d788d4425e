"""The first echelon: vans from depots to the compounds' supply gates, joined to the
rounds inside (``plan_district``), checked end to end (``check_district``)."""
