"""Drawing a choropleth (:mod:`zonemap.incidents.choropleth`): its colours, legend and layers.

The static map draws the units under the zones, whose fill it then leaves
out so the classes read true (their outlines stay); the interactive map gets
a layer of its own, in a pane beneath the zones, with its legend shown while
the layer is on (``templates/analysis.js``). Both take their colours and
labels from here.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from ..incidents.choropleth import Choropleth

NONE_COLOUR = "#f4f4f4"
"""Units with no incidents (or no fatalities)."""

PALETTES = {
    1: ("#f03b20",),
    2: ("#feb24c", "#bd0026"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
"""ColorBrewer's YlOrRd sequences (Cynthia Brewer, Apache-2.0) by number of classes with incidents."""

FILL_OPACITY = 0.8
EDGE = "#ffffff"
SIMPLIFY_DEGREES = 0.002  # about 200 m: the units are filled areas at the map's scale, not boundaries to measure on

MEASURE_LABELS = {"en": {"incidents": "Incidents", "fatalities": "Fatalities"},
                  "ar": {"incidents": "الحوادث", "fatalities": "القتلى"}}
LEVEL_LABELS = {"en": {"governorate": "per governorate", "district": "per district", "subdistrict": "per sub-district",
                       "zone": "per zone"},
                "ar": {"governorate": "حسب المحافظة", "district": "حسب المنطقة الإدارية", "subdistrict": "حسب الناحية",
                       "zone": "حسب منطقة خفض التصعيد"}}


def class_colours(shades: Choropleth) -> list[str]:
    """The colour of each class of a choropleth, in class order (the class of units with none is pale grey)."""
    has_none = bool(shades.upper_bounds) and shades.upper_bounds[0] == 0
    palette = list(PALETTES.get(len(shades.upper_bounds) - has_none, ()))
    return ([NONE_COLOUR] if has_none else []) + palette


def choropleth_title(shades: Choropleth, lang: str) -> str:
    """``"Fatalities per sub-district"`` and the like, in the map's language."""
    return f"{MEASURE_LABELS[lang][shades.spec.measure]} {LEVEL_LABELS[lang][shades.spec.level]}"


def unit_name(unit, lang: str) -> str:
    """A unit's name in the map's language, falling back to English."""
    return unit.name_ar if lang == "ar" and isinstance(unit.name_ar, str) and unit.name_ar else unit.name_en


def fill_choropleth(ax, shades: Choropleth, *, zorder: float = 1.5) -> None:
    """Fill a choropleth's units on matplotlib axes, each in its class's colour.

    Parameters
    ----------
    ax
        The map axes (longitude, latitude).
    shades
        The choropleth.
    zorder
        Drawing order of the fills (above the land, below province outlines and zones).
    """
    colours = class_colours(shades)
    units = shades.units
    before = len(ax.collections)
    gpd.GeoSeries(units.geometry.to_numpy(), crs=units.crs).plot(
        ax=ax, color=[colours[c] for c in units["class_index"]], alpha=FILL_OPACITY, edgecolor=EDGE, linewidth=0.3,
        zorder=zorder)
    for collection in ax.collections[before:]:
        collection.set_gid("choropleth")


def choropleth_legend(ax, shades: Choropleth, lang: str, *, font: str):
    """Add a choropleth's legend to the map axes (upper left, under the north arrow), keeping any legend already there.

    Parameters
    ----------
    ax
        The map axes.
    shades
        The choropleth.
    lang
        ``"en"`` or ``"ar"``.
    font
        Font family of the legend.

    Returns
    -------
    matplotlib.legend.Legend
        The legend, so that labels can avoid it.
    """
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=colour, alpha=FILL_OPACITY, edgecolor="#bbbbbb", linewidth=0.5)
               for colour in class_colours(shades)]
    previous = ax.get_legend()
    legend = ax.legend(handles, list(shades.labels), loc="upper left", bbox_to_anchor=(0.005, 0.78), fontsize=8,
                       framealpha=0.95, title=choropleth_title(shades, lang), title_fontsize=9, prop={"family": font})
    legend.set_zorder(10)
    legend.set_gid("choropleth-legend")
    if previous is not None:
        # ax.legend replaces the axes' legend: keep the earlier one as an artist of its own.
        ax.add_artist(previous)
    return legend


def choropleth_layer(shades: Choropleth, lang: str) -> dict:
    """What the page's script needs to draw a choropleth layer: features, colours, legend rows and labels.

    Parameters
    ----------
    shades
        The choropleth.
    lang
        ``"en"`` or ``"ar"``.

    Returns
    -------
    dict
        ``data`` (a GeoJSON FeatureCollection; each feature's properties:
        ``name``, ``value``, ``colour``), ``legend`` (``title`` and ``rows``
        of ``[colour, label]``), ``measure`` (its label) and ``opacity``.
    """
    colours = class_colours(shades)
    units = shades.units
    geometries = shapely.set_precision(
        shapely.simplify(units.geometry.to_numpy(), SIMPLIFY_DEGREES, preserve_topology=True), 1e-5)
    features = []
    for unit, geometry in zip(units.itertuples(index=False), geometries):
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geometry),
                         "properties": {"name": unit_name(unit, lang), "value": int(unit.value),
                                        "colour": colours[unit.class_index]}})
    return {"data": {"type": "FeatureCollection", "features": features},
            "legend": {"title": choropleth_title(shades, lang), "rows": [[c, label] for c, label in zip(colours, shades.labels)]},
            "measure": MEASURE_LABELS[lang][shades.spec.measure], "opacity": FILL_OPACITY}
