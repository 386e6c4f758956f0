"""The clinic's audit log: read, filter and export (clinic admins)."""
