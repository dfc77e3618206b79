"""The outputs ``zonemap build`` can write (a module of its own so the command line can list
them without loading the map pipeline)."""

FORMATS = ("html", "png", "svg", "pdf", "geojson", "gpkg", "kml", "csv", "md", "embed")
"""``html`` interactive map, ``embed`` responsive fragment, ``png``/``svg``/``pdf`` static
map, ``geojson``/``gpkg``/``kml`` exports, ``csv``/``md`` zone summary."""

DEFAULT_FORMATS = ("html", "png", "geojson", "md")

STATIC_FORMATS = ("png", "svg", "pdf")
