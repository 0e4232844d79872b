"""Benchmarks: one module per ``ficlens bench`` command (see ``ficlens.cli.bench``)."""
