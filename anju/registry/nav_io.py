"""Menu entries and home panels for import and export."""
