#!/usr/bin/env python
"""`make bench` (dashboards): seed N cases with 3 scored RSS responses each and time the dashboard pages.

On SQLite (var/bench-dashboards.sqlite3, reused when it already holds N cases) and, when
DATABASE_URL points to PostgreSQL, on that database too (seeded up to N cases: use a database made
for the benchmark). One child process prepares (migrate, seed_synthetic --rss-per-case 3, which
builds the dashboard facts), another measures with Django's test Client as the Dakar programme
manager and the M&E officer (pseudonymised, small cells suppressed).

    BENCH_DASHBOARD_CASES=1000000 BENCH_RUNS=15 .venv/bin/python scripts/bench_dashboards.py

Seeding 1,000,000 cases with 3,000,000 responses takes about an hour on a 2-core machine; to see
the pages at the cell density of a larger N quickly, copy a seeded database and run
`DATABASE_URL=sqlite:///copy.sqlite3 scripts/bench_dashboards.py replicate --factor 5`, then
`… measure` (docs/benchmarks.md explains what this does and does not show).

Prints medians and 95th percentiles in milliseconds against the 1 s target, the number of
dashboard cells and the query plan of the largest chart query, and writes the figures to
bench-results/<date>-dashboards-<engine>.json (not committed; docs/benchmarks.md is).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402 -- the page benchmark's helpers (timings, machine description)

ROOT = bench.ROOT
TARGET_MS = 1000
USERS = ["pm.dakar", "me.hq"]
say = bench.say


def prepare(cases: int, batch: int, per_case: int) -> None:
    bench._django()
    from django.core.management import call_command

    from reintegra.cases.models import Case
    from reintegra.dashboards.models import CaseFact, DashboardState
    from reintegra.demo.world import refresh_planner_statistics

    call_command("migrate", verbosity=0, interactive=False)
    existing = Case.objects.count()
    if existing < cases:
        say(f"  seeding {cases - existing:,} synthetic cases with {per_case} RSS responses each ({existing:,} there)…")
        started = time.monotonic()
        call_command("seed_synthetic", cases=cases - existing, batch=batch, rss_per_case=per_case)
        say(f"  seeding took {time.monotonic() - started:,.0f} s")
        return
    state = DashboardState.objects.first()
    if state is None or state.built_at is None or CaseFact.objects.count() != existing:
        say("  building the dashboard facts…")
        call_command("refresh_facts")
    say(f"  reusing the database: {existing:,} cases already there")
    refresh_planner_statistics()


def _shift(day, months: int):
    if day is None:
        return None
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1, day=min(day.day, 28))


def replicate(factor: int) -> None:
    """Rebuild the cells as if there were `factor` times more cases: each fact counts `factor` times,
    the copies moved to another arrival month of the data (interview dates and deadlines moved with
    it). The case tables are not touched: this measures what the pages read (the cells) at a larger N.
    """
    bench._django()
    import random

    from django.db import transaction

    from reintegra.dashboards import facts
    from reintegra.dashboards.models import NO_DATE, CaseFact, DashboardCell

    rng = random.Random(1)
    months = sorted(set(CaseFact.objects.exclude(arrival_month=NO_DATE).values_list("arrival_month", flat=True)))
    totals: dict = {}
    started = time.monotonic()
    for copy in range(factor):
        for fact in CaseFact.objects.order_by("pk").iterator(chunk_size=5000):
            if copy and fact.arrival_month != NO_DATE:
                target = rng.choice(months)
                delta = (target.year - fact.arrival_month.year) * 12 + target.month - fact.arrival_month.month
                fact.arrival_month = target
                fact.baseline_on = _shift(fact.baseline_on, delta)
                fact.follow_up_on = _shift(fact.follow_up_on, delta)
                fact.plan_deadline = _shift(fact.plan_deadline, delta)
            facts.accumulate(totals, [fact])
        say(f"  copy {copy + 1}/{factor}: {len(totals):,} cells ({time.monotonic() - started:,.0f} s)")
    with transaction.atomic():
        DashboardCell.objects.all().delete()
        facts._bulk(facts._cell(key, measures) for key, measures in totals.items())
    say(f"  cells of {factor} × the facts written: {len(totals):,} ({time.monotonic() - started:,.0f} s)")


def _pages() -> dict[str, tuple[str, dict]]:
    from django.urls import reverse

    return {
        "cases and caseload": (reverse("dashboards:cases"), {}),
        "cases, one office, 2025": (
            reverse("dashboards:cases"),
            {"office": "__dakar__", "start": "2025-01", "end": "2025-12"},
        ),
        "plans and budget": (reverse("dashboards:plans"), {}),
        "RSS by assistance type": (reverse("dashboards:rss"), {}),
        "RSS by delivery, women": (reverse("dashboards:rss"), {"by": "delivery", "sex": "female"}),
        "RSS by office, interviews 2025": (
            reverse("dashboards:rss"),
            {"by": "office", "basis": "interview", "start": "2025-01", "end": "2025-12"},
        ),
        "CSV: change by type": (reverse("dashboards:panel_csv", args=["change"]), {}),
    }


def _explain() -> list[str]:
    """The plan of the largest chart query (score histograms over every office)."""
    from django.db.models import Sum

    from reintegra.accounts.models import Office
    from reintegra.dashboards.selectors import Filters, cells

    filters = Filters(offices=frozenset(Office.objects.values_list("pk", flat=True)))
    return cells(filters, "hist").values("key").annotate(total=Sum("n")).order_by().explain().splitlines()


def _refresh_one_case() -> dict:
    """The write-path cost: refreshing one case's facts and cells (what each save adds on commit)."""
    from reintegra.cases.models import Case
    from reintegra.dashboards.facts import refresh_cases

    case_id = Case.objects.filter(stage="implementation").order_by("-pk").values_list("pk", flat=True).first()
    return bench.timings(lambda: refresh_cases([case_id]), 10)


def measure(runs: int) -> None:
    bench._django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from reintegra.accounts.models import Office, User
    from reintegra.cases.models import Case
    from reintegra.dashboards.models import CaseFact, DashboardCell
    from reintegra.instruments.models import Response

    dakar = str(Office.objects.get(code="DKR").pk)
    result = {
        "engine": connection.vendor,
        "database": str(settings.DATABASES["default"]["NAME"]),
        "cases": Case.objects.count(),
        "responses": Response.objects.count(),
        "facts": CaseFact.objects.count(),
        "cells": DashboardCell.objects.count(),
        "date": datetime.now().isoformat(timespec="minutes"),
        "machine": bench._machine(connection),
        "target_ms": TARGET_MS,
        "timings": {},
        "explain": _explain(),
        "refresh one case": _refresh_one_case(),
    }
    for username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        rows = {}
        for label, (url, params) in _pages().items():
            params = {k: (dakar if v == "__dakar__" else v) for k, v in params.items()}

            def action(url=url, params=params, client=client, username=username):
                response = client.get(url, params)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url} {params} answered {response.status_code} for {username}")
                return response

            rows[label] = bench.timings(action, runs)
        result["timings"][username] = rows
    say("RESULT " + json.dumps(result))


def run_child(mode: str, database_url: str, args: argparse.Namespace) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "REINTEGRA_DEMO": "1"}
    env.pop("DEBUG", None)
    command = [sys.executable, str(Path(__file__)), mode, "--cases", str(args.cases), "--runs", str(args.runs)]
    command += ["--batch", str(args.batch), "--rss-per-case", str(args.rss_per_case)]
    completed = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
    for line in completed.stdout.splitlines():
        if not line.startswith("RESULT "):
            say(line)
    if completed.returncode != 0:
        raise SystemExit(f"bench_dashboards: the {mode} step failed (exit {completed.returncode})")
    return completed.stdout


def report(result: dict) -> None:
    say()
    say(
        f"{result['engine']} · {result['cases']:,} cases · {result['responses']:,} RSS responses · "
        f"{result['cells']:,} dashboard cells · {result['machine']['database_version']}"
    )
    users = list(result["timings"])
    say(f"  {'':<34}" + "".join(f"{u:>22}" for u in users))
    say(f"  {'(ms)':<34}" + "".join(f"{'median':>12}{'p95':>10}" for _u in users))
    misses = []
    for label in result["timings"][users[0]]:
        cells = ""
        for username in users:
            row = result["timings"][username][label]
            flag = "!" if row["median"] > TARGET_MS else " "
            if flag == "!":
                misses.append(f"{label} as {username}")
            cells += f"{row['median']:>11.1f}{flag}{row['p95']:>10.1f}"
        say(f"  {label:<34}{cells}")
    one = result["refresh one case"]
    say(f"  refreshing one case's facts and cells: median {one['median']} ms")
    say("  plan of the histogram query: " + " | ".join(result["explain"]))
    say(f"  target: each page median under {TARGET_MS} ms — " + ("missed: " + "; ".join(misses) if misses else "met"))


def save(result: dict) -> None:
    folder = ROOT / "bench-results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{result['date'].replace(':', '')}-dashboards-{result['engine']}.json"
    path.write_text(json.dumps(result, indent=2))
    say(f"  saved {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="all", choices=["all", "prepare", "measure", "replicate"])
    parser.add_argument("--factor", type=int, default=5, help="replicate: count every fact this many times.")
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_DASHBOARD_CASES", "200000")))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "15")))
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--rss-per-case", type=int, default=3)
    parser.add_argument(
        "--sqlite",
        default=os.environ.get("BENCH_DASHBOARD_SQLITE", str(ROOT / "var" / "bench-dashboards.sqlite3")),
    )
    args = parser.parse_args()
    if args.mode != "all" and not os.environ.get("DATABASE_URL"):
        # Never seed or time the default (demo) database by mistake: the driver always sets it.
        raise SystemExit("bench_dashboards: prepare and measure need DATABASE_URL (the driver sets it).")
    if args.mode == "prepare":
        return prepare(args.cases, args.batch, args.rss_per_case)
    if args.mode == "replicate":
        return replicate(args.factor)
    if args.mode == "measure":
        return measure(args.runs)
    targets = [("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}")]
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        targets.append(("PostgreSQL", database_url))
    for name, url in targets:
        say(f"== dashboards, {name}: {args.cases:,} cases, {args.rss_per_case} RSS responses each, {args.runs} runs")
        run_child("prepare", url, args)
        output = run_child("measure", url, args)
        line = next(ln for ln in output.splitlines() if ln.startswith("RESULT "))
        result = json.loads(line.removeprefix("RESULT "))
        report(result)
        save(result)


if __name__ == "__main__":
    main()
