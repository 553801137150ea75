"""Parley's benchmarks: `python -m bench.run --quick` or `--full` (see docs/benchmarks.md)."""
