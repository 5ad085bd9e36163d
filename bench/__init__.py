"""Benchmarks on generated data: `python -m bench.run` (not part of the tests)."""
