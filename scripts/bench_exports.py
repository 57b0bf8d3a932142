#!/usr/bin/env python
"""`make bench`: export speed and peak memory (docs/benchmarks.md, "Exports").

Uses the synthetic database of scripts/bench.py (var/bench.sqlite3, N = BENCH_CASES, seeded by
its prepare step when it holds fewer cases). Each measure runs in a fresh child process, which
reports its peak resident set size (getrusage) after Django start-up and after the export, the
rows and the rows per second:

- the cases dataset, pseudonymised, as the M&E officer (every case), CSV and XLSX;
- the cases dataset, identifiable, as the Dakar supervisor (phones and documents per chunk);
- the same CSV for one office (a third of the rows): memory must not depend on the row count;
- the writers alone on 1,000,000 generated rows of the cases columns (CSV and XLSX), so the
  1,000,000-row target is measured directly where the database holds fewer cases.

    BENCH_CASES=200000 .venv/bin/python scripts/bench_exports.py
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 300
GENERATED_ROWS = 1_000_000


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reintegra.settings")
    import django

    django.setup()


def measure_export(args) -> dict:
    _django()
    from reintegra.accounts.models import Office, User
    from reintegra.exports import writers
    from reintegra.exports.selectors import Filters
    from reintegra.exports.services import CSV, ExportSpec, export_open

    start_mib = peak_mib()
    user = User.objects.get(username=args.user)
    office = Office.objects.get(code=args.office).pk if args.office else None
    spec = ExportSpec(args.dataset, args.format, Filters(office_id=office), identifiable=args.identifiable)
    started = time.perf_counter()
    export = export_open(actor=user, spec=spec, channel="bench")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{args.format}"
        if args.format == CSV:
            with path.open("w", encoding="utf-8", newline="") as out:
                writers.write_csv(export.tables[0], out)
        else:
            with path.open("wb") as out:
                writers.write_xlsx(export.tables, out)
        size = path.stat().st_size
    seconds = time.perf_counter() - started
    return {"rows": export.rows, "seconds": seconds, "start_mib": start_mib, "peak_mib": peak_mib(), "bytes": size}


def measure_writer(args) -> dict:
    """The writers on generated rows shaped like the pseudonymised cases export (no database)."""
    _django()
    from datetime import date

    from reintegra.exports import writers
    from reintegra.exports.datasets import Table, col

    start_mib = peak_mib()
    codes = ["case_id", "pseudonym", "office", "programme", "stage", "child_case", "return_type", "host_country"]
    codes += ["return_country", "arrival_month", "region", "district", "sex", "birth_year", "age_group"]
    codes += ["opened_on", "closed_on", "closure_group", "closure_reason"]
    columns = [col(code, code) for code in codes]

    def rows():
        for i in range(args.rows):
            yield [
                *(i, f"P-{i:08d}", "DKR", "sn-2026", "implementation", 0, "assisted_voluntary", "LY", "SN"),
                *(
                    "2026-01",
                    "Dakar",
                    "Pikine",
                    "male",
                    1990 + i % 30,
                    "25-34",
                    date(2026, 1, 1 + i % 28),
                    None,
                    "",
                    "",
                ),
            ]

    table = Table("cases", columns, rows())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"generated.{args.format}"
        if args.format == "csv":
            with path.open("w", encoding="utf-8", newline="") as out:
                writers.write_csv(table, out)
        else:
            with path.open("wb") as out:
                writers.write_xlsx([table], out)
        size = path.stat().st_size
    seconds = time.perf_counter() - started
    return {"rows": args.rows, "seconds": seconds, "start_mib": start_mib, "peak_mib": peak_mib(), "bytes": size}


MEASURES = [
    ("cases CSV, pseudonymised, me.hq", ["export", "--user", "me.hq", "--format", "csv"]),
    ("cases XLSX, pseudonymised, me.hq", ["export", "--user", "me.hq", "--format", "xlsx"]),
    ("cases CSV, identifiable, sup.dakar", ["export", "--user", "sup.dakar", "--format", "csv", "--identifiable"]),
    (
        "cases CSV, pseudonymised, me.hq, Bamako only",
        ["export", "--user", "me.hq", "--format", "csv", "--office", "BKO"],
    ),
    (f"writer only, CSV, {GENERATED_ROWS:,} generated rows", ["writer", "--format", "csv"]),
    (f"writer only, XLSX, {GENERATED_ROWS:,} generated rows", ["writer", "--format", "xlsx"]),
]


def run_child(arguments: list[str], database_url: str) -> dict | None:
    env = {**os.environ, "DATABASE_URL": database_url, "REINTEGRA_DEMO": "1"}
    env.pop("DEBUG", None)
    command = [sys.executable, str(Path(__file__)), *arguments]
    completed = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if completed.returncode != 0 or line is None:
        say(f"  failed (exit {completed.returncode}): {' '.join(arguments)}")
        return None
    return json.loads(line.removeprefix("RESULT "))


def prepare(cases: int, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "REINTEGRA_DEMO": "1"}
    command = [sys.executable, str(ROOT / "scripts" / "bench.py"), "prepare", "--cases", str(cases)]
    if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode != 0:  # noqa: S603
        raise SystemExit("bench_exports: preparing the synthetic database failed")


def report(label: str, result: dict) -> None:
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    flag = "" if result["peak_mib"] < TARGET_MB else "  (over the target)"
    say(
        f"  {label:<48} {result['rows']:>9,} rows {result['seconds']:>7.1f} s {rate:>9,.0f} rows/s"
        f"  RSS {result['start_mib']:>6.1f} → {result['peak_mib']:>6.1f} MiB"
        f"  {result['bytes'] / 2**20:>7.1f} MiB file{flag}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="all", choices=["all", "export", "writer"])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "200000")))
    parser.add_argument("--sqlite", default=os.environ.get("BENCH_SQLITE", str(ROOT / "var" / "bench.sqlite3")))
    parser.add_argument("--user", default="me.hq")
    parser.add_argument("--format", default="csv")
    parser.add_argument("--dataset", default="cases")
    parser.add_argument("--office", default="")
    parser.add_argument("--identifiable", action="store_true")
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_EXPORT_ROWS", GENERATED_ROWS)))
    args = parser.parse_args()
    if args.mode == "export":
        return say("RESULT " + json.dumps(measure_export(args)))
    if args.mode == "writer":
        return say("RESULT " + json.dumps(measure_writer(args)))
    database_url = f"sqlite:///{Path(args.sqlite).resolve()}"
    say(f"== Exports: SQLite {args.sqlite}, {args.cases:,} synthetic cases; target: peak RSS under {TARGET_MB} MiB")
    prepare(args.cases, database_url)
    results = {}
    for label, arguments in MEASURES:
        result = run_child(arguments, database_url)
        if result is not None:
            report(label, result)
            results[label] = result
    folder = ROOT / "bench-results"
    folder.mkdir(exist_ok=True)
    (folder / f"exports-{time.strftime('%Y-%m-%dT%H%M')}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
