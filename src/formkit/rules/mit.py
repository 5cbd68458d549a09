"""Rules of scheme mit (filled in by its module)."""
