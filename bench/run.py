"""`make bench`: every benchmark, one after the other (see bench/README.md for the goals)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    "bench_import.py",
    "bench_seed.py",
    "bench_open_season.py",
    "bench_quarters.py",
    "bench_quarter_dashboard.py",
    "bench_points.py",
    "bench_decide.py",
    "bench_figures.py",
    "bench_pages.py",
    "bench_reports.py",
]


def main() -> int:
    wanted = sys.argv[1:] or BENCHES
    failed = 0
    for name in wanted:
        print(f"== {name}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
