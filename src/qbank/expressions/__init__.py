"""expressions stage."""
