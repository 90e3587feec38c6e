"""speedups stage."""
