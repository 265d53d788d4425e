"""Everything the coordinator's desk prints, and the words it prints them in.

Route sheets for the volunteers as Markdown (:mod:`.markdown_sheets`) and as printable
HTML and PDF (:mod:`.html_sheets`), both reading the plan the same way
(:mod:`.plan_facts`); the plan report (:mod:`.report`, with :mod:`.svg`); the trips as
GeoJSON (:mod:`.geojson`); and the one English and Chinese vocabulary of all of them
(:mod:`.words`). Library modules: they never print.
"""
