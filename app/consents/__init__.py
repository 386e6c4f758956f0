"""Consent: what a family agreed to share, with whom, how it was given, until when."""
