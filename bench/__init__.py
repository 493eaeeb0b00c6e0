"""Benchmarks: `make bench` (or `python -m bench [name ...]`) runs every bench/*_bench.py.

Each module has ``main(argv) -> None`` and prints its numbers; results go into
docs/PERFORMANCE.md by hand, with the machine noted. Benchmarks build their own scratch
database (never the data folder's), so they can run beside a live demo; ``bench/_child.py``
holds that shared set-up (a child process, its data folder, a scratch PostgreSQL database).
"""
