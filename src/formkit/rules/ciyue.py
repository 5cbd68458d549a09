"""Rules of scheme ciyue (filled in by its module)."""
