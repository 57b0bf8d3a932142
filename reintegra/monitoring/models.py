"""Monitoring and evaluation (handbook: monitoring-and-evaluation.md, rss.md §3).

Sections, each with its services, selectors and pages:
- Follow-up schedule: `MonitoringRule` (when an instrument is due on an occasion) and
  `ScheduledFollowUp` (the task created for one case and occasion).
- Sampling: `Sample` (a recorded, reproducible stratified draw) and `SampleMember`.
- Results framework: `ResultsFramework`, `Result` (objective → outcomes → outputs), `Indicator`,
  `ReportingPeriod`, `Snapshot` (computed values as computed once) and `IndicatorValue`.
- Dashboards: added beside these by their own issue.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reintegra.instruments.models import Occasion
from reintegra.lib.i18n import in_language

RSS_CODE = "rss"


def new_seed() -> int:
    """A fresh random seed (63 bits: fits a signed 64-bit column on every database)."""
    return secrets.randbits(63)


# ------------------------------------------------------------------ follow-up schedule


class RuleOccasion(models.TextChoices):
    """The occasions a schedule can ask for (a single assessment is not scheduled)."""

    BASELINE = Occasion.BASELINE.value, Occasion.BASELINE.label
    FOLLOW_UP = Occasion.FOLLOW_UP.value, Occasion.FOLLOW_UP.label
    ENDLINE = Occasion.ENDLINE.value, Occasion.ENDLINE.label


class MonitoringRule(models.Model):
    """When an instrument is due for the cases of a programme, on one occasion.

    A timed rule counts `offset` days or months from an anchor date (arrival, last assistance
    delivered, first plan approval); the occasion is "due" within the window around that date,
    "overdue" after it, "done" once a submitted response of the instrument and occasion exists.
    A "before the plan" rule asks for a baseline as soon as the case reaches planning.
    """

    class Kind(models.TextChoices):
        TIMED = "timed", _("Counted from a date")
        BEFORE_PLAN = "before_plan", _("Baseline before the plan")

    class Anchor(models.TextChoices):
        ARRIVAL = "arrival", _("Arrival date")
        LAST_ASSISTANCE = "last_assistance", _("Last assistance delivered")
        PLAN_APPROVAL = "plan_approval", _("Plan approval")

    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        MONTHS = "months", _("months")

    programme = models.ForeignKey(
        "accounts.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="monitoring_rules"
    )
    instrument = models.ForeignKey(
        "instruments.Instrument", verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="+"
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=RuleOccasion.choices)
    occasion_number = models.PositiveSmallIntegerField(
        _("follow-up number"), default=0, help_text=_("1 for the first follow-up, 2 for the second…; 0 otherwise.")
    )
    kind = models.CharField(_("kind of rule"), max_length=12, choices=Kind.choices, default=Kind.TIMED)
    anchor = models.CharField(_("counted from"), max_length=16, choices=Anchor.choices, blank=True)
    offset = models.PositiveSmallIntegerField(_("after"), default=0)
    unit = models.CharField(_("unit"), max_length=6, choices=Unit.choices, default=Unit.MONTHS)
    window_before = models.PositiveSmallIntegerField(
        _("window before (days)"), default=0, help_text=_("Days before the due date when the interview may start.")
    )
    window_after = models.PositiveSmallIntegerField(
        _("window after (days)"), default=30, help_text=_("Days after the due date before it counts as overdue.")
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monitoring rule")
        verbose_name_plural = _("monitoring rules")
        ordering = ["programme", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instrument", "occasion", "occasion_number"],
                name="monitoring_rule_one_per_occasion",
                violation_error_message=_("This programme already has a rule for this instrument and occasion."),
            ),
            models.CheckConstraint(
                condition=(Q(occasion="follow_up") & Q(occasion_number__gte=1))
                | (~Q(occasion="follow_up") & Q(occasion_number=0)),
                name="monitoring_rule_follow_up_numbered",
            ),
            models.CheckConstraint(
                condition=(Q(kind="before_plan") & Q(occasion="baseline") & Q(anchor=""))
                | (Q(kind="timed") & ~Q(anchor="")),
                name="monitoring_rule_kind_matches_anchor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.instrument_id} {self.occasion} {self.occasion_number}"

    @property
    def occasion_label(self) -> str:
        from django.utils.translation import gettext

        if self.occasion == RuleOccasion.FOLLOW_UP:
            return gettext("Follow-up %(number)s") % {"number": self.occasion_number}
        return str(self.get_occasion_display())

    @property
    def timing(self) -> str:
        """When the occasion falls due, as a sentence."""
        from django.utils.translation import gettext

        if self.kind == self.Kind.BEFORE_PLAN:
            return gettext("When the case reaches planning without a baseline")
        values = {"offset": self.offset, "unit": self.get_unit_display(), "anchor": self.get_anchor_display().lower()}
        return gettext("%(offset)s %(unit)s after: %(anchor)s") % values


class ScheduledFollowUp(models.Model):
    """The task created for one case and one occasion (keeps `schedule_follow_ups` idempotent)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="scheduled_follow_ups")
    rule = models.ForeignKey(MonitoringRule, null=True, on_delete=models.SET_NULL, related_name="scheduled")
    instrument = models.ForeignKey("instruments.Instrument", on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(max_length=12, choices=RuleOccasion.choices)
    occasion_number = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(_("due on"))
    task = models.OneToOneField("cases.Task", on_delete=models.CASCADE, related_name="scheduled_follow_up")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled follow-up")
        verbose_name_plural = _("scheduled follow-ups")
        indexes = [
            models.Index(fields=["case", "instrument", "occasion", "occasion_number"], name="scheduled_case_occasion")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.occasion} {self.occasion_number}"


# ------------------------------------------------------------------ sampling


class Sample(models.Model):
    """A stratified random sample of a programme's cases, drawn from a recorded frame with a recorded seed.

    The frame definition (`frame`), the stratification variables, the allocation and the seed are
    enough to draw the same members again from the same frame (see `monitoring.sampling`).
    A re-draw is a new row pointing to the earlier one, which is kept.
    """

    class Purpose(models.TextChoices):
        SURVEY = "survey", _("Monitoring survey")
        SPOT_CHECK = "spot_check", _("Spot check of handover certificates")
        VALIDATION = "validation", _("Data validation")

    class Allocation(models.TextChoices):
        PROPORTIONAL = "proportional", _("Proportional to the stratum size")
        EQUAL = "equal", _("Equal per stratum")

    programme = models.ForeignKey(
        "accounts.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="samples"
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    # The survey round (optional): instrument and occasion the sample is interviewed for.
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=RuleOccasion.choices, blank=True)
    occasion_number = models.PositiveSmallIntegerField(_("follow-up number"), default=0)
    # The frame definition, as chosen: {"offices": [ids], "stages": [...], "arrival_from": "YYYY-MM-DD",
    # "arrival_to": ..., "done": "baseline:0" | "", "in_kind": bool}.
    frame = models.JSONField(_("frame"), default=dict)
    strata = models.JSONField(_("stratification variables"), default=list, blank=True)
    allocation = models.CharField(_("allocation"), max_length=12, choices=Allocation.choices)
    size = models.PositiveIntegerField(_("sample size"))
    minimum_per_stratum = models.PositiveIntegerField(_("minimum per stratum"), default=0)
    seed = models.BigIntegerField(_("seed"), default=new_seed)
    # What the draw found: {stratum key: {"label": ..., "frame": N_h, "allocated": n_h}}.
    frame_sizes = models.JSONField(_("frame size per stratum"), default=dict, editable=False)
    frame_total = models.PositiveIntegerField(_("frame size"), default=0, editable=False)
    excluded_no_consent = models.PositiveIntegerField(default=0, editable=False)
    redraw_of = models.ForeignKey(
        "self", verbose_name=_("re-draw of"), null=True, blank=True, on_delete=models.PROTECT, related_name="redraws"
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn on"), auto_now_add=True)

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["programme", "-drawn_at"], name="sample_programme_time")]
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="sample_size_positive")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:sample", args=[self.pk])


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    REACHED = "reached", _("Reached")
    REFUSED = "refused", _("Refused")
    UNREACHABLE = "unreachable", _("Unreachable")
    MOVED = "moved", _("Moved away")


class CertificateCheck(models.TextChoices):
    NOT_CHECKED = "", _("Not checked")
    VERIFIED = "yes", _("Verified with the returnee")
    NOT_VERIFIED = "no", _("Could not be verified")
    DISCREPANCY = "discrepancy", _("Discrepancy")


class SampleMember(models.Model):
    """One sampled case, in draw order within the sample, with the outcome of the contact."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("stratum"), max_length=200)
    order = models.PositiveIntegerField(_("order"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    certificate_check = models.CharField(
        _("handover certificate"), max_length=12, choices=CertificateCheck.choices, blank=True
    )
    certificate_note = models.TextField(_("certificate note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sample member")
        verbose_name_plural = _("sample members")
        ordering = ["sample", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "case"], name="sample_member_once"),
            models.UniqueConstraint(fields=["sample", "order"], name="sample_member_order_unique"),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(outcome_on__isnull=False), name="sample_member_outcome_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}#{self.order}"


# ------------------------------------------------------------------ results framework
# Objective → outcomes → outputs, each with indicators computed from case data (monitoring.indicators)
# or entered by hand; values per reporting period. Services: monitoring.framework; docs/monitoring.md.


class ResultsFramework(models.Model):
    """A programme's theory of change and results framework (handbook §5.2)."""

    programme = models.ForeignKey(
        "accounts.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="frameworks"
    )
    title = models.CharField(_("title"), max_length=200)
    theory_of_change = models.TextField(_("theory of change"), max_length=10000, blank=True)
    assumptions = models.TextField(_("assumptions"), max_length=5000, blank=True)
    risks = models.TextField(_("risks and mitigation"), max_length=5000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("results framework")
        verbose_name_plural = _("results frameworks")
        ordering = ["programme", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                name="framework_title_unique_per_programme",
                violation_error_message=_("This programme already has a framework with this title."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:framework", args=[self.pk])


class ResultLevel(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


# The level a result's parent must have (an objective has no parent).
PARENT_LEVEL = {ResultLevel.OUTCOME: ResultLevel.OBJECTIVE, ResultLevel.OUTPUT: ResultLevel.OUTCOME}


class Result(models.Model):
    """One box of the framework: the objective, an outcome under it, or an output under an outcome."""

    framework = models.ForeignKey(ResultsFramework, on_delete=models.CASCADE, related_name="results")
    level = models.CharField(_("level"), max_length=10, choices=ResultLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("contributes to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("E.g. 1, 1.1, 1.1.2."))
    statement = models.TextField(_("statement"), max_length=2000)
    statement_fr = models.TextField(_("statement in French"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["framework_id", "order", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="result_code_unique_per_framework",
                violation_error_message=_("Another result of this framework has this code."),
            ),
            models.CheckConstraint(
                condition=(Q(level="objective") & Q(parent__isnull=True))
                | (~Q(level="objective") & Q(parent__isnull=False)),
                name="result_only_objective_without_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement[:60]}"

    def statement_in(self, language: str) -> str:
        return in_language(self.statement, self.statement_fr, language)


class ComputedKey(models.TextChoices):
    """The built-in library of computed indicators (`monitoring.indicators.LIBRARY`)."""

    REGISTERED = "registered", _("Returnees registered (cases opened)")
    ASSISTED = "assisted", _("Returnees assisted (assistance delivered)")
    PLAN_ON_TIME = "plan_on_time", _("Share with a plan approved within the programme's delay")
    ACTIVITIES = "activities", _("Activities (by type and dimension)")
    REFERRAL_SHARE = "referral_share", _("Share of activities delivered through referral")
    REFERRALS_COMPLETED = "referrals_completed", _("Referrals completed")
    REFERRAL_DAYS = "referral_days", _("Median days from referral to completion")
    RSS_MEAN = "rss_mean", _("Mean RSS score (baseline or follow-up)")
    RSS_CHANGE = "rss_change", _("Mean change in RSS score, baseline to latest follow-up")
    RSS_ABOVE = "rss_above", _("Share of returnees at or above an RSS threshold")
    SATISFACTION = "satisfaction", _("Mean satisfaction (1–5) by assistance type")
    CLOSURES = "closures", _("Cases closed (by reason)")
    # Community and structural levels: counted from their records in the programme's offices, not from cases.
    COMMUNITY_PROJECTS = "community_projects", _("Community projects active")
    COMMUNITY_PARTICIPANTS = "community_participants", _("Participants in active community projects")
    AGREEMENTS = "agreements_in_force", _("Agreements in force (LTA, MoU)")
    CAPACITY_ACTIVITIES = "capacity_activities", _("Capacity-building activities held")
    CAPACITY_PARTICIPANTS = "capacity_participants", _("Participants in capacity-building activities")
    MEETINGS = "coordination_meetings", _("Coordination meetings held")


class Disaggregation(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE_GROUP = "age_group", _("Age group at arrival")
    OFFICE = "office", _("Office")
    RETURN_TYPE = "return_type", _("Type of return")
    ASSISTANCE_TYPE = "assistance_type", _("Type of assistance")
    DELIVERY = "delivery", _("Direct assistance or referral")
    LEVEL = "level", _("Level (individual, community, structural)")
    DIMENSION = "dimension", _("Dimension")
    CLOSURE_GROUP = "closure_group", _("Closure group")
    CLOSURE_REASON = "closure_reason", _("Closure reason")
    PROJECT_STATUS = "project_status", _("Project status")
    APPROACH = "approach", _("Community approach")
    PARTICIPANT_TYPE = "participant_type", _("Returnee or resident")
    PARTICIPANT_AGE = "participant_age", _("Age group of participants")
    AGREEMENT_KIND = "agreement_kind", _("Kind of agreement")


class Indicator(models.Model):
    """A measure of a result, with its baseline and target; computed from case data or entered by hand."""

    class Unit(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        SCORE = "score", _("Score")
        DAYS = "days", _("Days")
        CURRENCY = "currency", _("Amount (programme currency)")

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("Computed from case data")
        MANUAL = "manual", _("Entered by hand")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUALLY = "annually", _("Annually")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20, help_text=_("E.g. 1.1.a."))
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), max_length=4000, blank=True)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices, default=Unit.NUMBER)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPUTED)
    computed_key = models.CharField(_("computed as"), max_length=24, choices=ComputedKey.choices, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    cumulative = models.BooleanField(
        _("cumulative"), default=False, help_text=_("Count from the programme's start to the end of each period.")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    disaggregations = models.JSONField(_("disaggregated by"), default=list, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    means_of_verification = models.TextField(_("means of verification"), max_length=2000, blank=True)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["result_id", "order", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "code"],
                name="indicator_code_unique_per_result",
                violation_error_message=_("Another indicator of this result has this code."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="computed") & ~Q(computed_key="")) | (Q(kind="manual") & Q(computed_key="")),
                name="indicator_computed_has_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_computed(self) -> bool:
        return self.kind == self.Kind.COMPUTED


class ReportingPeriod(models.Model):
    """A period the programme reports on (a month, a quarter, a year): both dates included."""

    programme = models.ForeignKey(
        "accounts.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reporting_periods"
    )
    label = models.CharField(_("label"), max_length=60, help_text=_("E.g. 2026-Q1."))
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["programme_id", "-start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "label"],
                name="period_label_unique_per_programme",
                violation_error_message=_("This programme already has a period with this label."),
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.label


class Snapshot(models.Model):
    """The computed values of a framework for one period, as computed at one time by one user.

    Snapshots are never changed nor deleted: computing again adds a new one, the latest is shown, and a
    report names the snapshot it printed, so a donor's figures can always be reproduced.
    """

    framework = models.ForeignKey(ResultsFramework, on_delete=models.CASCADE, related_name="snapshots")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="snapshots")
    offices = models.JSONField(_("offices covered"), default=list)
    profile = models.ForeignKey(
        "scoring.ScoringProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed on"), auto_now_add=True)
    # Narrative of the printed report (the last one printed from this snapshot).
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)

    class Meta:
        verbose_name = _("snapshot of computed values")
        verbose_name_plural = _("snapshots of computed values")
        ordering = ["framework_id", "period_id", "-computed_at", "-id"]
        indexes = [models.Index(fields=["framework", "period", "-id"], name="snapshot_framework_period")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.period_id} {self.computed_at:%Y-%m-%d %H:%M}"


class IndicatorValue(models.Model):
    """One figure of an indicator for a period: the total (disaggregation "") or one category of a breakdown.

    Computed figures belong to a snapshot; manual ones have none and there is one per indicator, period and
    category (entering again replaces it; the audit trail keeps the old figure).
    """

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        MANUAL = "manual", _("Entered by hand")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="values")
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.CASCADE, related_name="values")
    disaggregation = models.CharField(_("disaggregated by"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    category_label = models.CharField(_("category label"), max_length=200, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered on"), auto_now=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator_id", "period_id", "disaggregation", "category"]
        indexes = [models.Index(fields=["snapshot", "indicator"], name="value_snapshot_indicator")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="computed") & Q(snapshot__isnull=False))
                | (Q(source="manual") & Q(snapshot__isnull=True)),
                name="value_computed_in_snapshot",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "disaggregation", "category"],
                condition=Q(source="manual"),
                name="value_manual_once",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "indicator", "disaggregation", "category"],
                condition=Q(source="computed"),
                name="value_computed_once_per_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_id} {self.disaggregation}:{self.category} = {self.value}"


# ------------------------------------------------------------------ dashboards
# (Pre-aggregated tables for dashboards, if any, go here.)
