"""Rules of scheme cnsmark (filled in by its module)."""
