"""Closed-loop referrals to the providers of the service directory (handbook Module 4, §§3-5).

A referral is sent with a frozen package (`shared_snapshot`): the fields the referring user chose
to share, with their values on the day of sending. Partners read that package, never the live case.
Its legal basis is the case's sharing consent in force, or the emergency exception decided by a
mental-health professional (who decided, their qualification, the date, the reason).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I confusion on the phone


def new_reference() -> str:
    """A reference partners can quote; it is not the case number, which they never see."""
    return "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    NO_RESPONSE = "no_response", _("No response")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)
# Who moves a referral where. A late answer after "no response" is still recorded.
PARTNER_MOVES = {
    Status.ACCEPTED: (Status.SENT, Status.NO_RESPONSE),
    Status.DECLINED: (Status.SENT, Status.NO_RESPONSE),
    Status.IN_PROGRESS: (Status.ACCEPTED, Status.IN_PROGRESS),
    Status.COMPLETED: (Status.ACCEPTED, Status.IN_PROGRESS),
}
OFFICE_MOVES = {
    Status.NO_RESPONSE: (Status.SENT,),
    Status.CANCELLED: (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS, Status.NO_RESPONSE),
}


class OverrideReason(models.TextChoices):
    """The only two grounds of the emergency exception (handbook referrals §5)."""

    LIFE_AT_RISK = "life_at_risk", _("The person's life is at risk (e.g. high risk of suicide)")
    MENTAL_DISABILITY = "mental_disability", _("A mental disability prevents the person from consenting")


class Referral(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference, editable=False)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals")
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("plan activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text=_("Empty for an ad hoc referral."),
    )
    service = models.ForeignKey(
        "directory.Service", verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals"
    )
    # Denormalised from the service: the partner inbox filters on it.
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="referrals"
    )
    need_summary = models.TextField(_("need summary"), max_length=2000)
    shared_fields = models.JSONField(_("shared fields"), default=list)
    shared_snapshot = models.JSONField(_("package as sent"), default=dict, editable=False)
    # Legal basis: the sharing consent in force, or the emergency exception.
    consent = models.ForeignKey(
        "cases.Consent",
        verbose_name=_("sharing consent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    override_reason = models.CharField(_("exception"), max_length=20, choices=OverrideReason.choices, blank=True)
    override_justification = models.TextField(_("justification"), max_length=4000, blank=True)
    override_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_qualification = models.CharField(_("their qualification"), max_length=200, blank=True)
    override_decided_on = models.DateField(_("exception decided on"), null=True, blank=True)
    # Status and the date of each step.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)
    response_due = models.DateField(_("first response due"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined on"), null=True, blank=True)
    started_at = models.DateTimeField(_("in progress since"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)
    no_response_at = models.DateTimeField(_("marked without response on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last update"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-id"], name="referral_org_status"),
            models.Index(fields=["status", "response_due"], name="referral_status_due"),
            models.Index(fields=["status", "last_event_at"], name="referral_status_update"),
            models.Index(fields=["case", "-id"], name="referral_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(consent__isnull=False) & Q(override_reason=""))
                | (
                    Q(consent__isnull=True)
                    & ~Q(override_reason="")
                    & ~Q(override_justification="")
                    & ~Q(override_qualification="")
                    & Q(override_decided_by__isnull=False, override_decided_on__isnull=False)
                ),
                name="referral_consent_or_exception",
                violation_error_message=_("A referral needs the sharing consent or a documented exception."),
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="referral_status_valid"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("referrals:detail", args=[self.pk])

    @property
    def is_exception(self) -> bool:
        return bool(self.override_reason)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == Status.SENT and self.response_due < today


class ReferralEvent(models.Model):
    """One step of a referral: the status it moved to, who moved it, when, and the note or feedback."""

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    note = models.TextField(_("note or feedback"), max_length=4000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the deadline sweep recorded it."),
    )
    by_partner = models.BooleanField(_("by the partner"), default=False)
    at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"
