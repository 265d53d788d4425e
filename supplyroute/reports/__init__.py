"""What the coordinator's desk prints: route sheets as HTML (and PDF), the plan report,
the trips as GeoJSON. Library modules: they never print."""
