"""Screening: versioned instruments as data, exact scoring, the schedule of what is due, responses and flags."""
