"""The 14 common practices of the Pediatrics Supporting Parents work, as editable clinic data."""
