"""The plan's trips as GeoJSON: one LineString a trip, from the gate through its stops
and back, ``[lon, lat]``, with the volunteer, the trip's index, start and return."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from supplyroute.clock import hhmm
from supplyroute.errors import InputError, InputIssue
from supplyroute.io import write_atomic
from supplyroute.models import Plan, Scenario
from supplyroute.reports.svg import trip_points


def trips_geojson(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """A FeatureCollection of the plan's trips. Invalid input naming ``scenario`` if its
    positions are x/y metres, not lat/lon."""
    if not scenario.gates[0].position.is_geographic:
        raise InputError(InputIssue("scenario", "positions are x/y metres, not lat/lon: "
                                    "GeoJSON needs a scenario placed by latitude and "
                                    "longitude"))
    features = []
    for vp in plan.volunteers:
        for i, trip in enumerate(vp.trips):
            coords = [[p.lon, p.lat] for p in trip_points(scenario, trip)]
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "volunteer": vp.volunteer,
                    "trip": i,
                    "mode": trip.mode,
                    "start_s": trip.start_s,
                    "return_s": trip.return_s,
                    "start": hhmm(trip.start_s),
                    "return": hhmm(trip.return_s),
                    "stairwells": [s.stairwell for s in trip.stops],
                    "bags": trip.bags,
                },
            })
    return {"type": "FeatureCollection", "features": features}


def write_geojson(scenario: Scenario, plan: Plan, path: str | Path) -> Path:
    """Write the trips' GeoJSON atomically; returns its path."""
    data = trips_geojson(scenario, plan)
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return Path(path)
