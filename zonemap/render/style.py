"""How things look, as data: shared by the interactive and the static maps.

Colours are from ColorBrewer-like palettes chosen to stay distinct for common
colour-vision deficiencies and in greyscale print (status colours differ in
lightness as well as hue).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

TILE_ALIASES = {
    "osm": "OpenStreetMap.Mapnik",
    "carto-light": "CartoDB.Positron",
    "carto-dark": "CartoDB.DarkMatter",
    "esri-imagery": "Esri.WorldImagery",
    "topo": "OpenTopoMap",
}
"""Short names of online tile providers for ``--tiles``; any other xyzservices name works too.
The default, ``none``, draws the base map from the embedded boundaries only."""

SEA = "#dbe9f4"
LAND_OTHER = "#f1efe8"
LAND_FOCUS = "#ffffff"
COUNTRY_BORDER = "#6b6b6b"
PROVINCE_BORDER = "#9a9a9a"
SPECIAL_AREA_BORDER = "#7b3294"
LABEL = "#3d3d3d"


@dataclass(frozen=True)
class ZoneStyle:
    """Look of a zone of one status."""

    colour: str
    fill_opacity: float
    label_en: str
    label_ar: str

    def label(self, lang: str) -> str:
        """The status's name in ``lang``."""
        return self.label_ar if lang == "ar" else self.label_en


ZONE_STYLES: dict[str, ZoneStyle] = {
    "proposed": ZoneStyle("#8073ac", 0.22, "Proposed", "مقترحة"),
    "agreed": ZoneStyle("#2166ac", 0.30, "Agreed", "متفق عليها"),
    "in force": ZoneStyle("#1a9850", 0.35, "In force", "سارية"),
    "collapsed": ZoneStyle("#b2182b", 0.25, "Collapsed", "منهارة"),
}

SIDE_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#f0e442")
"""Okabe–Ito qualitative palette, one colour per zone ``side`` in order of first appearance:
distinct under the common colour-vision deficiencies. More sides than colours repeat it."""

STATUS_PATTERNS = {"proposed": "dots", "agreed": "solid", "in force": "solid", "collapsed": "hatch"}
"""Fill pattern of each status when colour tells sides apart: ``solid``, ``hatch`` (diagonal lines) or ``dots``."""

NO_SIDE_COLOUR = "#636363"
"""Colour of a zone without a side on a map where other zones have one."""


@dataclass(frozen=True)
class ZoneLook:
    """How one zone is drawn: fill colour, opacity and pattern, and its legend group."""

    colour: str
    fill_opacity: float
    pattern: str
    side: str | None


def zone_looks(zones) -> dict[str, ZoneLook]:
    """The look of every zone of a briefing, by zone id.

    Without any ``side`` the colour tells the status (:data:`ZONE_STYLES`),
    as on earlier maps. Once a zone has a side, colour tells sides apart
    (:data:`SIDE_COLOURS`) and the status moves to the fill pattern
    (:data:`STATUS_PATTERNS`): collapsed zones are hatched, proposed ones
    dotted.

    Parameters
    ----------
    zones : pandas.DataFrame
        Table with ``id``, ``status`` and ``side`` columns (a briefing's ``zones``).

    Returns
    -------
    dict
        :class:`ZoneLook` by zone id.
    """
    sides = [side for side in dict.fromkeys(zones["side"]) if isinstance(side, str) and side]
    if not sides:
        return {zone_id: ZoneLook(zone_style(status).colour, zone_style(status).fill_opacity, "solid", None)
                for zone_id, status in zip(zones["id"], zones["status"])}
    colours = side_colours(sides)
    looks = {}
    for zone_id, status, side in zip(zones["id"], zones["status"], zones["side"]):
        side = side if isinstance(side, str) and side else None
        looks[zone_id] = ZoneLook(colours.get(side, NO_SIDE_COLOUR), zone_style(status).fill_opacity,
                                  STATUS_PATTERNS.get(status, "solid"), side)
    return looks


def side_colours(sides) -> dict[str, str]:
    """Colour of each side, in the order given (:data:`SIDE_COLOURS`, repeated when there are more sides)."""
    return {side: SIDE_COLOURS[i % len(SIDE_COLOURS)] for i, side in enumerate(dict.fromkeys(sides))}


APPROXIMATE_DASH = "8 6"
"""Dash pattern (Leaflet ``dashArray``; matplotlib uses the same on/off lengths) of approximate zones."""

NOT_IN_EFFECT_DASH = "2 5"
"""Dash pattern of a zone on a date it did not exist (before its start or first status, after its end)."""

NOT_IN_EFFECT_FADE = 0.3
"""Factor on the fill and outline opacity of a zone on a date it did not exist."""


@dataclass(frozen=True)
class IncidentStyle:
    """Look of an incident type: marker colour and a white glyph (SVG path in a 24×24 box)."""

    colour: str
    glyph: str
    label_en: str
    label_ar: str

    def label(self, lang: str) -> str:
        """The type's name in ``lang``."""
        return self.label_ar if lang == "ar" else self.label_en

    @property
    def css_class(self) -> str:
        return "zm-type-" + self.label_en.lower().replace(" ", "-")


INCIDENT_STYLES: dict[str, IncidentStyle] = {
    # A plane seen from above.
    "air strike": IncidentStyle("#d7301f", "M12 3l1.6 6.4 6.4 3.1v1.7l-6.4-1.6-.6 4.8 2 1.6v1.5L12 19l-3 1.5V19l2-1.6-.6-4.8-6.4 1.6v-1.7l6.4-3.1z", "Air strike", "غارة جوية"),
    # A burst.
    "shelling": IncidentStyle("#f16913", "M12 3l2 5 5-2-2 5 5 1-5 2 2 5-5-2-2 5-2-5-5 2 2-5-5-1 5-2-2-5 5 2z", "Shelling", "قصف مدفعي"),
    # Two crossed bars.
    "clashes": IncidentStyle("#8c2d04", "M5 7.1L7.1 5 19 16.9 16.9 19zM16.9 5L19 7.1 7.1 19 5 16.9z", "Clashes", "اشتباكات"),
    # A pause sign.
    "ceasefire": IncidentStyle("#238b45", "M7 5h3.5v14H7zM13.5 5H17v14h-3.5z", "Ceasefire", "وقف إطلاق النار"),
    # A speech bubble.
    "talks": IncidentStyle("#2171b5", "M4 5h16v10H10l-4 4v-4H4z", "Talks", "محادثات"),
    # An arrow leaving.
    "displacement": IncidentStyle("#6a51a3", "M4 10.5h10V6l6 6-6 6v-4.5H4z", "Displacement", "نزوح"),
    # A cross.
    "aid": IncidentStyle("#0868ac", "M10 4h4v6h6v4h-6v6h-4v-6H4v-4h6z", "Aid", "مساعدات"),
    "other": IncidentStyle("#525252", "M12 7a5 5 0 1 1 0 10 5 5 0 0 1 0-10z", "Other", "أخرى"),
}


FIELD_LABELS = {
    "en": {
        "status": "Status", "guarantors": "Guarantors", "valid": "Valid", "provinces": "Provinces",
        "area": "Area", "incidents": "Incidents", "fatalities": "Fatalities", "notes": "Notes", "approximate": "Outline",
        "approximate_yes": "approximate (see notes)", "approximate_no": "as defined",
        "date": "Date", "place": "Place", "type": "Type", "actors": "Actors", "source": "Source", "as_of": "As of",
        "zones": "Zones", "legend": "Legend", "sources": "Sources", "credits": "Map data",
        "km2": "km²", "summary": "Zone summary", "special_area": "UN area of separation (not a governorate)",
        "in_zone": "Zone",
        "not_in_effect": "not in effect", "not_in_effect_on": "Not in effect on {date}",
        "not_in_effect_chosen": "Not in effect on the date chosen", "incidents_period": "Incidents {start} – {end}",
        "shown": "{shown} of {total} incidents", "play": "Play", "pause": "Pause", "dates": "Dates",
        "from": "From", "to": "To", "here": "{count} incidents here", "more": "and {count} more",
        "district": "{name} district", "sub_district": "{name} sub-district", "districts": "Districts",
        "sub_districts": "Sub-districts",
        "side": "Side", "sides": "Sides", "no_side": "No side given", "other_script": "Arabic",
        "show_title": "About", "show_legend": "Legend", "show_layers": "Layers",
    },
    "ar": {
        "status": "الحالة", "guarantors": "الضامنون", "valid": "السريان", "provinces": "المحافظات",
        "area": "المساحة", "incidents": "الحوادث", "fatalities": "القتلى", "notes": "ملاحظات", "approximate": "الحدود",
        "approximate_yes": "تقريبية", "approximate_no": "كما حُددت",
        "date": "التاريخ", "place": "المكان", "type": "النوع", "actors": "الأطراف", "source": "المصدر", "as_of": "حتى تاريخ",
        "zones": "المناطق", "legend": "دليل الخريطة", "sources": "المصادر", "credits": "بيانات الخريطة",
        "km2": "كم²", "summary": "ملخص المناطق", "special_area": "منطقة الفصل الأممية (ليست محافظة)",
        "in_zone": "المنطقة",
        "not_in_effect": "غير سارية", "not_in_effect_on": "غير سارية في {date}",
        "not_in_effect_chosen": "غير سارية في التاريخ المختار", "incidents_period": "الحوادث {start} – {end}",
        "shown": "{shown} من {total} حادثة", "play": "تشغيل", "pause": "إيقاف مؤقت", "dates": "التواريخ",
        "from": "من", "to": "إلى", "here": "{count} حادثة هنا", "more": "و{count} أخرى",
        "district": "منطقة {name}", "sub_district": "ناحية {name}", "districts": "المناطق الإدارية", "sub_districts": "النواحي",
        "side": "الطرف", "sides": "الأطراف", "no_side": "بلا طرف محدد", "other_script": "بالحروف اللاتينية",
        "show_title": "عن الخريطة", "show_legend": "دليل الخريطة", "show_layers": "الطبقات",
    },
}


def check_lang(lang: str) -> str:
    """``lang`` if it is a language zonemap labels maps in (``"en"``, ``"ar"``).

    Raises
    ------
    InputError
        Otherwise.
    """
    if lang not in FIELD_LABELS:
        raise InputError(f"unknown language {lang!r}; use {' or '.join(FIELD_LABELS)}")
    return lang


def zone_style(status: str) -> ZoneStyle:
    """Style of a zone status (unknown statuses look like "agreed")."""
    return ZONE_STYLES.get(status, ZONE_STYLES["agreed"])


def incident_style(kind: str) -> IncidentStyle:
    """Style of an incident type (unknown types look like "other")."""
    return INCIDENT_STYLES.get(kind, INCIDENT_STYLES["other"])


def incident_icon_svg(kind: str, size: int = 28) -> str:
    """Self-contained SVG of an incident marker: a coloured disc with a white glyph."""
    style = incident_style(kind)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 28 28" aria-hidden="true">'
        f'<circle cx="14" cy="14" r="12.5" fill="{style.colour}" stroke="#ffffff" stroke-width="2"/>'
        f'<path transform="translate(2 2)" fill="#ffffff" d="{style.glyph}"/></svg>'
    )
