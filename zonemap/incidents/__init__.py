"""Incidents: reading incident tables and event exports, placing incidents, joining them to provinces and zones."""

from .events import EVENT_COLUMNS, EventTable, read_events
from .imports import EXTRA_COLUMNS, ImportReport, admin1_agreement, place_events, province_codes
from .join import (INCIDENT_COLUMNS, incident_labels, incident_points, join_incidents, place_incidents, zone_figures,
                   zone_incident_links)
from .rejects import REJECT_COLUMNS, rejects_csv

__all__ = ["EVENT_COLUMNS", "EXTRA_COLUMNS", "INCIDENT_COLUMNS", "REJECT_COLUMNS", "EventTable", "ImportReport",
           "admin1_agreement", "incident_labels", "incident_points", "join_incidents", "place_events", "place_incidents",
           "province_codes", "read_events", "rejects_csv", "zone_figures", "zone_incident_links"]
