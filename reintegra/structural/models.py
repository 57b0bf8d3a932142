"""Structural-level reintegration (handbook Module 4): stakeholders, agreements, capacity building, coordination.

Every record belongs to an office. Stakeholders are mapped by interest and influence (Annex 6); the
engagement tier is derived from them by `engagement_tier`, never typed. Agreements, capacity-building
activities and coordination bodies refer to stakeholders of the same office.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

EXPIRY_WARNING_DAYS = 60


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local")
    INTERNATIONAL = "international", _("International")


class Degree(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Tier(models.TextChoices):
    INFORM = "inform", _("Inform")
    COMMUNICATE = "communicate", _("Communicate")
    MANAGE_CLOSELY = "manage_closely", _("Manage closely")


_TIER_OF = {Degree.LOW: Tier.INFORM, Degree.MEDIUM: Tier.COMMUNICATE, Degree.HIGH: Tier.MANAGE_CLOSELY}
_RANK = {Degree.LOW: 0, Degree.MEDIUM: 1, Degree.HIGH: 2}


def engagement_tier(interest: str, influence: str) -> Tier:
    """The higher of interest and influence drives the tier: any high → manage closely,
    else any medium → communicate, else inform (docs/structural.md)."""
    higher = max(Degree(interest), Degree(influence), key=_RANK.__getitem__)
    return _TIER_OF[higher]


class Stakeholder(models.Model):
    class Type(models.TextChoices):
        NATIONAL_AUTHORITY = "national_authority", _("National authority")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        SERVICE_PROVIDER = "service_provider", _("Service provider")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        DIASPORA = "diaspora", _("Diaspora")
        INTERNATIONAL = "international", _("International organisation")
        DONOR = "donor", _("Donor")
        OTHER = "other", _("Other")

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="stakeholders"
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=24, choices=Type.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_function = models.CharField(_("function of the contact person"), max_length=200, blank=True)
    interest = models.CharField(_("interest"), max_length=8, choices=Degree.choices)
    influence = models.CharField(_("influence"), max_length=8, choices=Degree.choices)
    concerns = models.TextField(_("concerns"), max_length=5000, blank=True)
    expectations = models.TextField(_("expectations and perceptions"), max_length=5000, blank=True)
    next_review = models.DateField(
        _("next review"), null=True, blank=True, help_text=_("When to reassess the engagement with this stakeholder.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "office",
                Lower("name"),
                name="stakeholder_name_unique_per_office",
                violation_error_message=_("This office already has a stakeholder with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("structural:stakeholder", args=[self.pk])

    @property
    def tier(self) -> Tier:
        return engagement_tier(self.interest, self.influence)

    def review_due(self, today: date) -> bool:
        return self.next_review is not None and self.next_review <= today


class Discussion(models.Model):
    """One entry of a stakeholder's discussion log; entries are added, never edited."""

    stakeholder = models.ForeignKey(
        Stakeholder, verbose_name=_("stakeholder"), on_delete=models.CASCADE, related_name="discussions"
    )
    held_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), max_length=5000)
    outputs = models.TextField(
        _("agreed outputs"),
        max_length=5000,
        blank=True,
        help_text=_("Decisions, actions, proposals or recommendations agreed."),
    )
    outputs_due = models.DateField(_("outputs due"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} {self.held_on}"


class Agreement(models.Model):
    class Kind(models.TextChoices):
        LTA = "lta", _("Long-term agreement with a service provider")
        MOU = "mou", _("Memorandum of understanding with an authority")
        OTHER = "other", _("Other agreement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    parties = models.ManyToManyField(Stakeholder, verbose_name=_("parties"), related_name="agreements")
    scope = models.TextField(_("scope"), max_length=5000, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    cost_terms = models.TextField(_("cost terms"), max_length=5000, blank=True)
    data_access = models.TextField(
        _("data-access rules granted"),
        max_length=5000,
        blank=True,
        help_text=_("Which data each party may receive or consult under this agreement."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="agreement_valid_to_after_from",
                violation_error_message=_("The end of validity cannot be before its start."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("structural:agreement", args=[self.pk])

    def expiring_soon(self, today: date) -> bool:
        """Signed, and its validity ends within the next 60 days (today included)."""
        return (
            self.status == self.Status.SIGNED
            and self.valid_to is not None
            and today <= self.valid_to <= today + timedelta(days=EXPIRY_WARNING_DAYS)
        )


class CapacityActivity(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        LOCAL = "local", _("Local")

    class Target(models.TextChoices):
        TANGIBLE = "tangible", _("Tangible (assets, technical skills, organisational framework)")
        INTANGIBLE = "intangible", _("Intangible (social skills, experience, institutional culture)")

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="capacity_activities"
    )
    institution = models.ForeignKey(
        Stakeholder, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="capacity_activities"
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    target = models.CharField(_("target"), max_length=12, choices=Target.choices)
    activity = models.CharField(_("activity"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    results = models.TextField(_("results"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("capacity-building activity")
        verbose_name_plural = _("capacity-building activities")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="capacity_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.activity

    def get_absolute_url(self) -> str:
        return reverse("structural:capacity", args=[self.pk])


class CoordinationBody(models.Model):
    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Inter-agency working group")
        INTER_MINISTERIAL = "inter_ministerial", _("Inter-ministerial committee")
        CASE_MANAGEMENT = "case_management", _("Case management committee")
        STEERING = "steering", _("Steering committee")
        OTHER = "other", _("Other")

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="coordination_bodies"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    chair = models.ForeignKey(
        Stakeholder,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_bodies",
    )
    members = models.ManyToManyField(
        Stakeholder, verbose_name=_("members"), blank=True, related_name="coordination_bodies"
    )
    purpose = models.TextField(_("purpose"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coordination body")
        verbose_name_plural = _("coordination bodies")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "office",
                Lower("name"),
                name="coordination_body_name_unique_per_office",
                violation_error_message=_("This office already has a coordination body with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("structural:body", args=[self.pk])


class Meeting(models.Model):
    """A meeting of a coordination body; added, never edited."""

    body = models.ForeignKey(
        CoordinationBody, verbose_name=_("coordination body"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"), max_length=5000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.body_id} {self.held_on}"
