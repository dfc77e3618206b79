"""From a news article to a draft scenario: places, dates, incidents and zones, each traced to its sentence."""
