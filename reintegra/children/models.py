"""The best-interests procedure (BIP) of a child case: assessment (BIA), process plan, determination (BID).

One open procedure per case at a time. A determination is final once recorded; a review records a new
determination that supersedes it (handbook children.md §2).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    DETERMINED = "determined", _("Determined")
    REVIEWED = "reviewed", _("Determined after review")


class CareSituation(models.TextChoices):
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")
    SEPARATED = "separated", _("Separated")
    WITH_FAMILY = "with_family", _("With family")


class Rating(models.TextChoices):
    """A coarse judgement of one assessment factor; the notes carry the substance."""

    GOOD = "good", pgettext_lazy("assessment factor", "Good")
    MIXED = "mixed", pgettext_lazy("assessment factor", "Mixed")
    POOR = "poor", pgettext_lazy("assessment factor", "Poor")
    UNKNOWN = "unknown", pgettext_lazy("assessment factor", "Not known")


class Risk(models.TextChoices):
    TRAFFICKING = "trafficking", _("Child trafficking")
    CHILD_LABOUR = "child_labour", _("Child labour")
    SMUGGLING = "aggravated_smuggling", _("Aggravated smuggling")
    EXPLOITATION = "other_exploitation", _("Other exploitation")


class Solution(models.TextChoices):
    RETURN = "return", _("Return and reintegration")
    LOCAL = "local_integration", _("Local integration")
    RESETTLEMENT = "resettlement", _("Resettlement to a third country")


class ClosingReason(models.TextChoices):
    SOLUTION_IMPLEMENTED = "solution_implemented", _("Durable solution implemented")
    TURNED_18 = "turned_18", _("The child turned 18")
    HANDED_OVER = "handed_over", _("Handed over to the national child-protection services")
    CASE_CLOSED = "case_closed", _("Case closed")
    OTHER = "other", _("Other reason")


class Procedure(models.Model):
    """One best-interests procedure; closed with a reason, after which it is read-only and a new one may start."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="best_interests"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ASSESSMENT)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened on"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_reason = models.CharField(_("reason for closing"), max_length=24, choices=ClosingReason.choices, blank=True)
    closing_note = models.TextField(_("note on closing"), blank=True)

    class Meta:
        verbose_name = _("best-interests procedure")
        verbose_name_plural = _("best-interests procedures")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(closed_at__isnull=True), name="bip_one_open_per_case"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(closing_reason=""),
                name="bip_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Assessment(models.Model):
    """The best-interests assessment (BIA): situation, factors, risks and the child's views."""

    procedure = models.OneToOneField(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="assessment"
    )
    care_situation = models.CharField(_("care situation"), max_length=16, choices=CareSituation.choices)
    acceptance = models.CharField(
        _("acceptance by family, community and peers"), max_length=8, choices=Rating.choices, default=Rating.UNKNOWN
    )
    acceptance_notes = models.TextField(_("notes on acceptance"), blank=True)
    attends_school = models.BooleanField(_("attends school or training"), null=True, blank=True)
    education_notes = models.TextField(_("notes on education and training"), blank=True)
    health_access = models.CharField(
        _("access to health care"), max_length=8, choices=Rating.choices, default=Rating.UNKNOWN
    )
    mhpss_access = models.BooleanField(_("access to mental health and psychosocial support"), null=True, blank=True)
    health_notes = models.TextField(_("notes on health"), blank=True)
    has_disability = models.BooleanField(_("has a disability"), null=True, blank=True)
    characteristics_notes = models.TextField(_("notes on characteristics"), blank=True)
    risks = models.JSONField(_("risks"), default=list, blank=True)
    risks_notes = models.TextField(_("notes on risks"), blank=True)
    child_views = models.TextField(_("the child's views"), blank=True)
    age_when_heard = models.PositiveSmallIntegerField(_("age when heard"), null=True, blank=True)
    maturity_weighing = models.TextField(_("how age and maturity were weighed"), blank=True)
    interviewer = models.CharField(_("interviewer"), max_length=200)
    assessed_on = models.DateField(_("date of the assessment"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("best-interests assessment")
        verbose_name_plural = _("best-interests assessments")

    def __str__(self) -> str:
        return f"{self.procedure_id}"

    def risk_labels(self) -> list[str]:
        return [str(Risk(code).label) for code in self.risks if code in Risk.values]


class Step(models.Model):
    """One step of the process plan: what, who, by when; completed or cancelled."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("plan step", "Open")
        DONE = "done", pgettext_lazy("plan step", "Done")
        CANCELLED = "cancelled", pgettext_lazy("plan step", "Cancelled")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="steps"
    )
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=200, help_text=_("A role or a person, e.g. social worker, guardian."))
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("process plan step")
        verbose_name_plural = _("process plan steps")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(done_on__isnull=False), name="bip_step_done_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.what


class Determination(models.Model):
    """The best-interests determination (BID). Final once recorded; a review supersedes it."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="determinations"
    )
    return_considered = models.BooleanField(_("return and reintegration considered"), default=False)
    return_notes = models.TextField(_("notes on return and reintegration"), blank=True)
    local_considered = models.BooleanField(_("local integration considered"), default=False)
    local_notes = models.TextField(_("notes on local integration"), blank=True)
    resettlement_considered = models.BooleanField(_("resettlement considered"), default=False)
    resettlement_notes = models.TextField(_("notes on resettlement"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Solution.choices)
    reasons = models.TextField(_("reasons"))
    panel = models.JSONField(_("decision-makers"), default=list)
    determined_on = models.DateField(_("date of the determination"))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    review_reason = models.TextField(_("reason for the review"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded on"), auto_now_add=True)

    class Meta:
        verbose_name = _("best-interests determination")
        verbose_name_plural = _("best-interests determinations")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(review_reason=""),
                name="bip_review_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.get_decision_display()

    def considered(self) -> list[dict]:
        """The three durable solutions with whether each was considered and the notes."""
        return [
            {
                "solution": value,
                "label": label,
                "considered": getattr(self, f"{field}_considered"),
                "notes": getattr(self, f"{field}_notes"),
            }
            for (value, label), field in zip(Solution.choices, SOLUTION_FIELDS, strict=True)
        ]


SOLUTION_FIELDS = ("return", "local", "resettlement")
