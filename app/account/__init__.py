"""A signed-in user's own settings: time zone (and, later, notification choices)."""
