"""Benchmarks P1-P5 (issue: speed and model quality, measured). Run: `make bench`."""
