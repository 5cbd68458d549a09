"""Rules of scheme oshpm (filled in by its module)."""
