"""Clinics (tenants), their sites, settings and partner organizations."""
