"""Scenarios: the model (zones and incidents by place name) and its YAML/JSON files."""

from .io import CSV_COLUMNS, check_scenario, dump_scenario, load_scenario, parse_scenario, scenario_schema, scenario_to_dict
from .model import (DEFAULT_BUFFER_KM, GEOMETRY_RULES, INCIDENT_TABLE_FORMATS, INCIDENT_TYPES, STATUSES, Corridor,
                    FixedPoint, Incident, IncidentFile, MapOptions, ProvincePart, Scenario, Source, StatusChange, Zone)

__all__ = ["CSV_COLUMNS", "DEFAULT_BUFFER_KM", "GEOMETRY_RULES", "INCIDENT_TABLE_FORMATS", "INCIDENT_TYPES", "STATUSES",
           "Corridor", "FixedPoint", "Incident", "IncidentFile", "MapOptions",
           "ProvincePart", "Scenario", "Source", "StatusChange", "Zone", "check_scenario", "dump_scenario", "load_scenario",
           "parse_scenario", "scenario_schema", "scenario_to_dict"]
