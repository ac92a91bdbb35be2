"""Load benchmarks for the server, driven by wrk: `python -m bench [SET ...]` (see bench/README.md)."""
