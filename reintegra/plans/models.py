"""Reintegration plans (handbook Annex 3), their activities and the delivery of assistance.

A case has one current plan and keeps every earlier version (status `superseded`). Money is
entered in any currency and converted to the programme's currency with the exchange rate valid
on the plan's date (see `reintegra.plans.budget`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reintegra.directory.models import Dimension, Level
from reintegra.lib.i18n import in_language

SCORE_DIMENSIONS = ("economic", "social", "psychosocial")


class Modality(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")
    VOUCHER = "voucher", _("Voucher")
    SERVICE = "service", _("Service")


class Delivery(models.TextChoices):
    DIRECT = "direct", _("Direct")
    REFERRAL = "referral", _("Referral")


class ActivityType(models.Model):
    """One kind of assistance in the configurable catalogue (handbook §2.8, Annex 3 section 2)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.INDIVIDUAL)
    default_modality = models.CharField(
        _("default modality"), max_length=10, choices=Modality.choices, default=Modality.SERVICE
    )
    default_delivery = models.CharField(
        _("default delivery"), max_length=10, choices=Delivery.choices, default=Delivery.DIRECT
    )
    service_category = models.ForeignKey(
        "directory.ServiceCategory",
        verbose_name=_("matching service category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_types",
        help_text=_("Used to suggest providers from the service directory."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The label in the active language (French or English)."""
        return in_language(self.name_en, self.name_fr)


class AgreementMethod(models.TextChoices):
    SIGNED = "signed", _("Signed plan attached")
    VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness")


def plan_upload_to(instance: "Plan", filename: str) -> str:
    return f"plans/{instance.case_id}/v{instance.version}/{filename}"


def score_target_field(label):
    return models.DecimalField(label, max_digits=4, decimal_places=3, null=True, blank=True)


class Plan(models.Model):
    """One version of a case's reintegration plan (Annex 3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        AGREED = "agreed", _("Agreed (signed by the returnee)")
        SUPERSEDED = "superseded", _("Superseded")

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    plan_date = models.DateField(
        _("plan date"), help_text=_("Costs are converted with the exchange rates of this date.")
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("revises version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    revision_reason = models.TextField(_("reason for the revision"), max_length=2000, blank=True)
    # Annex 3 section 1: summary per dimension; counselling step 6: goals and motivations.
    goals = models.TextField(_("goals and motivations"), max_length=5000, blank=True)
    summary_economic = models.TextField(_("economic summary"), max_length=5000, blank=True)
    summary_social = models.TextField(_("social summary"), max_length=5000, blank=True)
    summary_psychosocial = models.TextField(_("psychosocial summary"), max_length=5000, blank=True)
    # Annex 3 section 5: expected improvement, as a target score (0..1) beside the RSS baseline.
    target_economic = score_target_field(_("expected economic score"))
    target_social = score_target_field(_("expected social score"))
    target_psychosocial = score_target_field(_("expected psychosocial score"))
    # Submission and approval.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    submitted_total = models.DecimalField(
        _("total at submission"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    submitted_cash = models.DecimalField(
        _("cash at submission"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    approval_required = models.BooleanField(_("approval required"), default=False, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    approval_note = models.TextField(_("supervisor's note"), max_length=2000, blank=True)
    # The returnee's agreement.
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    agreement_method = models.CharField(
        _("agreement method"), max_length=20, choices=AgreementMethod.choices, blank=True
    )
    agreement_document = models.FileField(_("signed plan"), upload_to=plan_upload_to, blank=True)
    agreement_witness = models.CharField(_("witness"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["case", "-version"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="plan_status_submitted")]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status="superseded"), name="plan_one_current_per_case"
            ),
            models.CheckConstraint(
                condition=(Q(target_economic__isnull=True) | Q(target_economic__gte=0, target_economic__lte=1))
                & (Q(target_social__isnull=True) | Q(target_social__gte=0, target_social__lte=1))
                & (Q(target_psychosocial__isnull=True) | Q(target_psychosocial__gte=0, target_psychosocial__lte=1)),
                name="plan_targets_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | (Q(agreed_on__isnull=False) & ~Q(agreement_method="")),
                name="plan_agreed_has_date_and_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plans:plan", args=[self.case.number, self.version])

    @property
    def is_current(self) -> bool:
        return self.status != self.Status.SUPERSEDED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def summary_for(self, dimension: str) -> str:
        return getattr(self, f"summary_{dimension}", "")

    def target_for(self, dimension: str):
        return getattr(self, f"target_{dimension}", None)


class Activity(models.Model):
    """One assistance item of a plan (handbook §2.8): what, how, by whom, for how much, when."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("activity status", "Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities")
    type = models.ForeignKey(ActivityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="activities")
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.INDIVIDUAL)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.DIRECT)
    provider_service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("provider (service directory)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_activities",
    )
    provider_name = models.CharField(
        _("provider"), max_length=200, blank=True, help_text=_("Supplier or provider when not in the directory.")
    )
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR or XOF."))
    target_start = models.DateField(_("target start"), null=True, blank=True)
    target_end = models.DateField(_("target end"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Annex 3 lists collective and community projects: an activity of level community may name its project.
    # PROTECT: plan versions are a record (superseded ones too); projects are cancelled, never deleted.
    community_project = models.ForeignKey(
        "community.CommunityProject",
        verbose_name=_("community project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_activities",
        help_text=_("For an activity of level community: the community project it belongs to."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The same activity across plan versions shares one lineage; `copied_from` is the previous version's row.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="activity_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(target_start__isnull=True)
                | Q(target_end__isnull=True)
                | Q(target_end__gte=models.F("target_start")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} ({self.get_modality_display()})"

    @property
    def is_referral(self) -> bool:
        return self.delivery == Delivery.REFERRAL

    @property
    def provider_label(self) -> str:
        return str(self.provider_service) if self.provider_service_id else self.provider_name


class ExchangeRate(models.Model):
    """How much one unit of `currency` is worth in the programme's currency, from `valid_from` on.

    Entered by programme managers and administrators (finance staff hold one of these roles)."""

    programme = models.ForeignKey(
        "accounts.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="exchange_rates"
    )
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR or XOF."))
    rate = models.DecimalField(
        _("rate"), max_digits=18, decimal_places=6, help_text=_("Value of one unit in the programme currency.")
    )
    valid_from = models.DateField(_("valid from"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["programme", "currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "currency", "valid_from"],
                name="exchange_rate_unique_per_day",
                violation_error_message=_("A rate for this currency and date already exists."),
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} ({self.valid_from})"


def certificate_upload_to(instance: "Disbursement", filename: str) -> str:
    return f"handover/{instance.activity_id}/{filename}"


class Disbursement(models.Model):
    """A purchase, cash transfer or voucher paid for an activity, with its handover certificate."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase (in kind)")
        CASH_TRANSFER = "cash_transfer", _("Cash transfer")
        VOUCHER = "voucher", _("Voucher")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="disbursements"
    )
    paid_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR or XOF."))
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("items or purpose"), max_length=500, blank=True)
    certificate = models.FileField(_("handover certificate"), upload_to=certificate_upload_to, blank=True)
    returnee_confirmed = models.BooleanField(_("confirmed by the returnee"), default=False)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(
                condition=Q(returnee_confirmed=False) | Q(confirmed_on__isnull=False),
                name="disbursement_confirmation_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.paid_on})"


class PlanDelayException(models.Model):
    """A documented reason why a case's plan may come later than the programme's delay."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan_delay_exceptions"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    until = models.DateField(_("new due date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan delay exception")
        verbose_name_plural = _("plan delay exceptions")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.until or '—'}"
