#!/usr/bin/env python
"""`make bench`: seed N synthetic cases and time the main pages, as a case manager and a supervisor.

On SQLite (var/bench.sqlite3, reused when it already holds N cases) and, when DATABASE_URL
points to PostgreSQL, on that database too (it is seeded up to N cases: use a database made
for the benchmark). Each target runs in its own processes (settings are read at start):
one prepares (migrate + seed_synthetic), one measures with Django's test Client.

    BENCH_CASES=200000 BENCH_RUNS=30 .venv/bin/python scripts/bench.py

Prints medians and 95th percentiles in milliseconds against the 150 ms target and writes
the figures to bench-results/<date>-<engine>.json (not committed; docs/benchmarks.md is).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 150
WARM_UP = 3
USERS = ["cm.dakar", "sup.dakar"]
NAME_QUERY = "Mamadu Dialo"  # a variant spelling of a very common name: many phonetic matches


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- child processes (Django configured from the environment) ---------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reintegra.settings")
    import django

    django.setup()


def prepare(cases: int, batch: int) -> None:
    _django()
    from django.core.management import call_command

    from reintegra.cases.models import Case
    from reintegra.demo.world import refresh_planner_statistics

    call_command("migrate", verbosity=0, interactive=False)
    existing = Case.objects.count()
    if existing >= cases:
        say(f"  reusing the database: {existing:,} cases already there")
        refresh_planner_statistics()
        return
    say(f"  seeding {cases - existing:,} synthetic cases ({existing:,} there)…")
    call_command("seed_synthetic", cases=cases - existing, batch=batch)  # ends with ANALYZE


def timings(action: Callable[[], object], runs: int) -> dict[str, float]:
    for _i in range(WARM_UP):
        action()
    samples = []
    for _i in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median": round(statistics.median(samples), 1),
        "p95": round(statistics.quantiles(samples, n=20)[18], 1),
        "min": round(samples[0], 1),
        "runs": runs,
    }


def _examples(user) -> dict[str, str]:
    """A case and a phone number this user may see (newest assigned to the Dakar case manager)."""
    from reintegra.cases import selectors

    case = (
        selectors.cases_for(user)
        .filter(assigned_to__username="cm.dakar", person__phones__isnull=False)
        .exclude(stage="closed")
        .select_related("person")
        .order_by("-id")
        .first()
    )
    phone = case.person.phones.first().number
    digits = "".join(ch for ch in phone if ch.isdigit())[-9:]
    return {"number": case.number, "phone": f"{digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}"}


def _page_actions(user, example: dict[str, str]) -> dict[str, Callable[[], object]]:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        caseload = reverse("cases:caseload")
        case_file = reverse("cases:case_detail", args=[example["number"]])
    except NoReverseMatch:
        return {}
    client = Client()
    client.force_login(user)

    def get(url: str, params: dict | None = None) -> Callable[[], object]:
        def action():
            response = client.get(url, params or {})
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} {params or ''} answered {response.status_code} for {user}")
            return response

        return action

    return {
        "page: caseload": get(caseload),
        "page: name search": get(caseload, {"q": NAME_QUERY}),
        "page: phone search": get(caseload, {"q": example["phone"]}),
        "page: case file": get(case_file),
    }


def _selector_actions(user, example: dict[str, str]) -> dict[str, Callable[[], object]]:
    from reintegra.cases import selectors

    page = 51  # one page of 50 and one row to know there is a next page

    return {
        "selector: caseload[:51]": lambda: list(selectors.caseload(user)[:page]),
        "selector: caseload count": lambda: selectors.caseload(user).count(),
        "selector: name search[:51]": lambda: list(selectors.caseload(user, text=NAME_QUERY)[:page]),
        "selector: phone search[:51]": lambda: list(selectors.caseload(user, text=example["phone"])[:page]),
        "selector: case_for": lambda: selectors.case_for(user, example["number"]),
    }


def measure(runs: int) -> None:
    _django()
    from django.conf import settings
    from django.db import connection

    from reintegra.accounts.models import User
    from reintegra.cases.models import Case

    result = {
        "engine": connection.vendor,
        "database": str(settings.DATABASES["default"]["NAME"]),
        "cases": Case.objects.count(),
        "date": datetime.now().isoformat(timespec="minutes"),
        "machine": _machine(connection),
        "target_ms": TARGET_MS,
        "queries": {},
        "timings": {},
    }
    example = _examples(User.objects.get(username="cm.dakar"))
    result["queries"] = {"name": NAME_QUERY, "phone": example["phone"], "case": example["number"]}
    for username in USERS:
        user = User.objects.get(username=username)
        actions = {**_selector_actions(user, example), **_page_actions(user, example)}
        result["timings"][username] = {label: timings(action, runs) for label, action in actions.items()}
    say("RESULT " + json.dumps(result))


def _machine(connection) -> dict[str, str]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        version = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "database_version": f"{connection.vendor} {version}",
    }


# --- the driver --------------------------------------------------------------------------------


def run_child(mode: str, database_url: str, args: argparse.Namespace) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "REINTEGRA_DEMO": "1"}
    env.pop("DEBUG", None)  # timings without DEBUG's query log
    command = [sys.executable, str(Path(__file__)), mode, "--cases", str(args.cases), "--runs", str(args.runs)]
    command += ["--batch", str(args.batch)]
    completed = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
    output = completed.stdout
    for line in output.splitlines():
        if not line.startswith("RESULT "):
            say(line)
    if completed.returncode != 0:
        raise SystemExit(f"bench: the {mode} step failed (exit {completed.returncode})")
    return output


def report(result: dict) -> None:
    say()
    say(f"{result['engine']} · {result['cases']:,} cases · {result['date']} · {result['machine']['database_version']}")
    queries = result["queries"]
    say(f"  queries: name {queries['name']!r}, phone {queries['phone']!r}, case {queries['case']}")
    header = f"  {'':<30}" + "".join(f"{u:>22}" for u in result["timings"])
    say(header)
    say(f"  {'(ms)':<30}" + "".join(f"{'median':>12}{'p95':>10}" for _u in result["timings"]))
    labels = list(next(iter(result["timings"].values())))
    misses = []
    for label in labels:
        cells = ""
        for username, rows in result["timings"].items():
            row = rows[label]
            flag = "!" if label.startswith("page") and row["median"] > TARGET_MS else " "
            if flag == "!":
                misses.append(f"{label} as {username}")
            cells += f"{row['median']:>11.1f}{flag}{row['p95']:>10.1f}"
        say(f"  {label:<30}{cells}")
    pages = any(label.startswith("page") for label in labels)
    if not pages:
        say("  (pages cases:caseload and cases:case_detail not found: selector timings only)")
    say(f"  target: each page median under {TARGET_MS} ms — " + ("missed: " + "; ".join(misses) if misses else "met"))


def save(result: dict) -> None:
    folder = ROOT / "bench-results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{result['date'].replace(':', '')}-{result['engine']}.json"
    path.write_text(json.dumps(result, indent=2))
    say(f"  saved {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="all", choices=["all", "prepare", "measure"])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "200000")))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "30")))
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--sqlite", default=os.environ.get("BENCH_SQLITE", str(ROOT / "var" / "bench.sqlite3")))
    args = parser.parse_args()
    if args.mode == "prepare":
        return prepare(args.cases, args.batch)
    if args.mode == "measure":
        return measure(args.runs)
    targets = [("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}")]
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        targets.append(("PostgreSQL", database_url))
    for name, url in targets:
        say(f"== {name}: {args.cases:,} cases, {args.runs} runs per measure")
        run_child("prepare", url, args)
        output = run_child("measure", url, args)
        line = next(ln for ln in output.splitlines() if ln.startswith("RESULT "))
        result = json.loads(line.removeprefix("RESULT "))
        report(result)
        save(result)


if __name__ == "__main__":
    main()
