"""Database housekeeping that keeps query plans good on both engines."""

from django.db import connections


def analyze_after_migrate(sender, using="default", **kwargs) -> None:
    """Refresh planner statistics after migrations.

    Without statistics SQLite sorts every open case of an office tree to show one page of the
    caseload (hundreds of ms at 200,000 cases); with them it walks the index newest-first and
    stops after a page (a few ms). PostgreSQL's autovacuum keeps its own, but one ANALYZE after
    a migration does no harm. `make demo` migrates at every start, so a growing SQLite database
    gets fresh statistics on each restart.
    """
    if sender.name != "reintegra.cases":
        return
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
