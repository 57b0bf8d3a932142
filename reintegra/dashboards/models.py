"""Pre-aggregated facts for the dashboards (docs/dashboards.md).

- `CaseFact`: one row per case with the keys the breakdowns need and its RSS scores (baseline and
  latest follow-up) under one scoring profile. Derived data: rebuilt by `refresh_facts`, kept up to
  date case by case after each write (see `reintegra.dashboards.facts`).
- `DashboardCell`: additive sums of the facts per chart key and per filter combination (office,
  programme, month, return type, sex). A dashboard chart reads a few thousand cells, never the
  million case rows, so its cost does not grow with the number of cases.
- `DashboardState`: when the facts were built, with which scoring profile, and whether they are stale.
"""

from datetime import date

from django.db import models

SCORES = ("economic", "social", "psychosocial", "composite")
NO_DATE = date(1900, 1, 1)  # "no month / no day" in cell keys (keys hold no NULL so they can be unique)


class CaseFact(models.Model):
    """One case, flattened for the dashboards. Never edited by hand: recomputed from the case data."""

    # No database constraint: when a case is deleted its fact stays until the refresh subtracts it.
    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    office_id = models.IntegerField()
    programme_id = models.IntegerField(default=0)  # 0: no programme
    stage = models.CharField(max_length=16)
    assigned_to_id = models.IntegerField(null=True)
    sex = models.CharField(max_length=8)
    age_group = models.CharField(max_length=8)
    return_type = models.CharField(max_length=24)
    arrival_month = models.DateField(default=NO_DATE)
    # Plan and budget (programme currency, in cents).
    plan_status = models.CharField(max_length=20, default="none")
    planned_cents = models.BigIntegerField(null=True)
    spent_cents = models.BigIntegerField(default=0)
    budget_missing = models.BooleanField(default=False)  # a rate was missing: money left out
    plan_deadline = models.DateField(null=True)  # open case, no approved plan: late once this date has passed
    # Assistance (non-cancelled activities of the current approved or agreed plan).
    activity_count = models.PositiveSmallIntegerField(default=0)
    activity_types = models.CharField(max_length=500, default="")  # distinct type codes, space-separated
    delivery_mix = models.CharField(max_length=10, default="none")  # none | direct | referral | both
    level_mix = models.CharField(max_length=10, default="none")  # none | individual | community | both
    open_tasks = models.JSONField(default=list)  # [[assignee id or null, "YYYY-MM-DD"], …]
    # RSS under `score_profile_id` (the dashboards' profile when the fact was computed).
    score_profile_id = models.IntegerField(null=True)
    baseline_on = models.DateField(null=True)
    follow_up_on = models.DateField(null=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["office_id", "stage"], name="casefact_office_stage")]

    def __str__(self) -> str:
        return f"fact {self.case_id}"

    def score(self, occasion: str, name: str) -> float | None:
        return getattr(self, f"{occasion}_{name}")


for _occasion in ("baseline", "follow_up"):
    for _name in SCORES:
        CaseFact.add_to_class(f"{_occasion}_{_name}", models.FloatField(null=True))


class DashboardCell(models.Model):
    """Sums of the facts sharing one chart key and one filter combination.

    `kind` names the chart family (stage, type, hist…), `key` the bar. `basis` "a" cells are dated
    by arrival month; "i" cells carry only RSS measures, dated by the interview's month. `day` is a
    date compared with today (a task's due date, a plan's deadline) where the kind needs one.
    """

    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=40)
    basis = models.CharField(max_length=1, default="a")
    office_id = models.IntegerField()
    programme_id = models.IntegerField(default=0)
    month = models.DateField(default=NO_DATE)
    return_type = models.CharField(max_length=24)
    sex = models.CharField(max_length=8)
    day = models.DateField(default=NO_DATE)
    n = models.IntegerField(default=0)
    planned_cents = models.BigIntegerField(default=0)
    planned_n = models.IntegerField(default=0)
    spent_cents = models.BigIntegerField(default=0)
    budget_missing = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "basis", "office_id", "programme_id", "month", "return_type", "sex", "day"],
                name="dashboard_cell_unique",
            )
        ]
        indexes = [models.Index(fields=["kind", "basis", "office_id", "month"], name="cell_kind_office_month")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


# Per score: base_n / base_sum (baseline), follow_n / follow_sum (latest follow-up), change_n /
# change_sum (follow-up minus baseline, cases with both).
for _prefix in ("base", "follow", "change"):
    for _name in SCORES:
        DashboardCell.add_to_class(f"{_prefix}_n_{_name}", models.IntegerField(default=0))
        DashboardCell.add_to_class(f"{_prefix}_sum_{_name}", models.FloatField(default=0.0))


class DashboardState(models.Model):
    """A single row: how fresh the facts are."""

    score_profile_id = models.IntegerField(null=True)
    built_at = models.DateTimeField(null=True)  # last full rebuild (refresh_facts)
    updated_at = models.DateTimeField(null=True)  # last case-by-case update
    stale_since = models.DateTimeField(null=True)  # something changed that case-by-case updates cannot follow
    stale_reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"facts built {self.built_at}"
