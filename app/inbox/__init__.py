"""In-app notifications for staff: what changed, never the health details."""
