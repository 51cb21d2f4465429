"""Supervising the review from the level above (issue 15): who attends a unit's review meeting."""
