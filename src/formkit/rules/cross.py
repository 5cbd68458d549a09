"""Rules of scheme cross (filled in by its module)."""
