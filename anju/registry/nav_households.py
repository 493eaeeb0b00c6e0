"""Menu entries and home panels for the household pages."""
