"""Monitoring and evaluation (handbook: monitoring-and-evaluation.md, rss.md §3).

Sections, each with its services, selectors and pages:
- Follow-up schedule: `MonitoringRule` (when an instrument is due on an occasion) and
  `ScheduledFollowUp` (the task created for one case and occasion).
- Sampling: `Sample` (a recorded, reproducible stratified draw) and `SampleMember`.
- Results framework and dashboards: added beside these by their own issue.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reintegra.instruments.models import Occasion

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
# (ResultsFramework, Indicator, IndicatorValue: the results-framework issue adds them here.)


# ------------------------------------------------------------------ dashboards
# (Pre-aggregated tables for dashboards, if any, go here.)
