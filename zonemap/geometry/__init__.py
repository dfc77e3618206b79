"""Geometry: zone shapes from rules, point → admin-unit lookups, distances and areas."""
