"""Appointments: the clinic's schedule of well-child visits, entered or imported from CSV."""
