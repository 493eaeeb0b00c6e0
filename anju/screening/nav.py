"""Menu entries and home panels of screening."""
