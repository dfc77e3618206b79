"""Rendering a briefing: the interactive map (folium, one self-contained page) and the static map (matplotlib)."""
