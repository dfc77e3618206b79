"""Incidents: reading incident tables, placing incidents, joining them to provinces and zones."""

from .join import (INCIDENT_COLUMNS, incident_labels, incident_points, join_incidents, place_incidents, zone_figures,
                   zone_incident_links)
from .tables import read_incident_table

__all__ = ["INCIDENT_COLUMNS", "incident_labels", "incident_points", "join_incidents", "place_incidents", "read_incident_table",
           "zone_figures", "zone_incident_links"]
