#!/usr/bin/env python
"""`make bench` (scoring part): RSS scoring throughput and a 1,000,000-row file in bounded memory.

1. Throughput: the provisional profile scores BENCH_SCORING_ROWS random responses held in memory
   as columns of answer codes (no file parsing), in chunks of 10,000; median of 5 runs.
2. File: a Kobo-style CSV of BENCH_SCORING_FILE_ROWS rows (group prefixes, 1 % bad rows) is
   written to var/, then scored by `rss_score`'s code in a child process, which reports its peak
   resident memory (getrusage) before and after scoring.

    BENCH_SCORING_ROWS=200000 BENCH_SCORING_FILE_ROWS=1000000 .venv/bin/python scripts/bench_scoring.py

Figures go to bench-results/<date>-scoring.json (not committed); docs/benchmarks.md has the table.
"""

import csv
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND = 50_000
CHUNK = 10_000
GROUPS = {"e": "economic", "s": "social", "p": "psychosocial"}


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reintegra.settings")
    import django

    django.setup()


def _profile():
    from reintegra.scoring.engine import compile_profile
    from reintegra.scoring.profile import load_profile_text
    from reintegra.scoring.services import PROVISIONAL_PROFILE

    return compile_profile(load_profile_text(PROVISIONAL_PROFILE.read_text(encoding="utf-8")), accept_labels=True)


def _random_columns(profile, rows: int, rng: random.Random) -> dict[str, list[str]]:
    columns = {}
    for j, question in enumerate(profile.questions):
        codes = [*profile.values[j], ""]
        columns[question] = rng.choices(codes, k=rows)
    return columns


def throughput(rows: int) -> dict:
    profile = _profile()
    columns = _random_columns(profile, rows, random.Random(1))
    samples = []
    for _run in range(5):
        started = time.perf_counter()
        for start in range(0, rows, CHUNK):
            profile.score_batch({q: col[start : start + CHUNK] for q, col in columns.items()})
        samples.append(time.perf_counter() - started)
    best_seconds = statistics.median(samples)
    started = time.perf_counter()
    for i in range(2000):
        profile.score_one({q: col[i] for q, col in columns.items()})
    one_per_second = 2000 / (time.perf_counter() - started)
    return {
        "rows": rows,
        "median_seconds": round(best_seconds, 3),
        "per_second": int(rows / best_seconds),
        "score_one_per_second": int(one_per_second),
    }


def write_file(path: Path, rows: int) -> None:
    profile = _profile()
    rng = random.Random(2)
    header = ["start", "_uuid", *(f"{GROUPS[q[0]]}/{q}" for q in profile.questions)]
    choices = [[*profile.values[j], "", "dont_know"] for j in range(len(profile.questions))]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            answers = [rng.choice(codes) for codes in choices]
            if i % 100 == 0:
                answers[0] = "splendid"  # an unknown answer: status error
            writer.writerow(["2026-02-01", f"uuid-{i}", *answers])


def score_file_child(source: str, target: str) -> None:
    """Child process: score the file and print JSON with peak RSS (KiB on Linux) and timings."""
    _django()
    from reintegra.scoring.batch import score_file

    profile = _profile()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = score_file(Path(source), Path(target), profile, chunk=CHUNK)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "rows": summary.rows,
        "seconds": round(seconds, 1),
        "rows_per_second": int(summary.rows / seconds),
        "peak_rss_mib_before": round(before / 1024, 1),
        "peak_rss_mib_after": round(after / 1024, 1),
        "statuses": dict(summary.statuses),
    }
    sys.stdout.write(json.dumps(result) + "\n")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--score-file":
        score_file_child(sys.argv[2], sys.argv[3])
        return
    _django()
    rows = int(os.environ.get("BENCH_SCORING_ROWS", "200000"))
    file_rows = int(os.environ.get("BENCH_SCORING_FILE_ROWS", "1000000"))
    say(f"==> RSS scoring throughput: {rows:,} responses in memory, provisional profile")
    speed = throughput(rows)
    verdict = "ok" if speed["per_second"] >= TARGET_PER_SECOND else "BELOW TARGET"
    say(
        f"  score_batch: {speed['per_second']:,} responses/s (median {speed['median_seconds']} s; "
        f"target {TARGET_PER_SECOND:,}) {verdict}; score_one: {speed['score_one_per_second']:,}/s"
    )
    source, target = ROOT / "var" / f"bench-rss-{file_rows}.csv", ROOT / "var" / "bench-rss-scored.csv"
    if not source.exists():
        say(f"==> Writing a {file_rows:,}-row Kobo-style CSV to {source.relative_to(ROOT)}")
        write_file(source, file_rows)
    say(f"==> Scoring {source.name} ({source.stat().st_size / 2**20:.0f} MiB) in chunks of {CHUNK:,} rows")
    child = subprocess.run(  # noqa: S603 -- this script, with paths it chose
        [sys.executable, __file__, "--score-file", str(source), str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    big = json.loads(child.stdout.strip().splitlines()[-1])
    say(
        f"  {big['rows']:,} rows in {big['seconds']} s ({big['rows_per_second']:,} rows/s with parsing and writing); "
        f"peak RSS {big['peak_rss_mib_after']} MiB (after start-up: {big['peak_rss_mib_before']} MiB)"
    )
    target.unlink(missing_ok=True)
    out = ROOT / "bench-results" / f"{datetime.now():%Y-%m-%d}-scoring.json"
    out.parent.mkdir(exist_ok=True)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine()}
    out.write_text(json.dumps({"throughput": speed, "file": big, "machine": machine}, indent=2))
    say(f"  figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
