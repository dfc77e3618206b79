"""The outputs ``zonemap build`` can write (a module of its own so the command line can list
them without loading the map pipeline)."""

FORMATS = ("html", "png", "svg", "pdf", "geojson", "gpkg", "kml", "csv", "md", "embed", "before-after.csv",
           "before-after.png", "before-after.svg")
"""``html`` interactive map, ``embed`` responsive fragment, ``png``/``svg``/``pdf`` static
map, ``geojson``/``gpkg``/``kml`` exports, ``csv``/``md`` zone summary, ``before-after.csv``
each zone's weeks before and after its start, ``before-after.png``/``.svg`` their chart."""

DEFAULT_FORMATS = ("html", "png", "geojson", "md")

STATIC_FORMATS = ("png", "svg", "pdf")

CHART_FORMATS = ("before-after.png", "before-after.svg")
