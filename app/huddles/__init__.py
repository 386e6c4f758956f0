"""Care-team huddles: the daily board, huddle notes and action items, the weekly DULCE case review."""
