"""Benchmarks, run by hand as modules: ``python -m bench.<name>`` (see README.md)."""
