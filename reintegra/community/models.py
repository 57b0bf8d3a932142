"""Community-level reintegration (handbook Module 3): communities, dated profiles, projects, participants.

A community belongs to an office and is defined by a place (the same vocabulary as a case's place
of return), a social group, or both. Profiles are dated and never edited: a new profile replaces
the current one and the older ones stay readable. Participants are returnees linked to their cases
or non-migrant residents recorded lightly (label, sex, age group).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reintegra.cases.models import Sex
from reintegra.directory.models import Dimension


class Community(models.Model):
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country code"), max_length=2, blank=True, help_text=_("ISO 3166 alpha-2, e.g. SN."))
    region = models.CharField(_("region"), max_length=120, blank=True)
    district = models.CharField(_("district / commune"), max_length=120, blank=True)
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    social_group = models.CharField(
        _("social group"),
        max_length=200,
        blank=True,
        help_text=_("For a community defined by a social group, e.g. fishers of the Petite-Côte."),
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "office",
                Lower("name"),
                name="community_name_unique_per_office",
                violation_error_message=_("This office already has a community with this name."),
            ),
            models.CheckConstraint(
                condition=~models.Q(country="") | ~models.Q(social_group=""),
                name="community_place_or_group",
                violation_error_message=_(
                    "Define the community by a place (country at least), a social group, or both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:community", args=[self.pk])

    @property
    def has_place(self) -> bool:
        return bool(self.country)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.locality, self.district, self.region, self.country) if part)


class Criterion(models.IntegerChoices):
    """The 7 favourability criteria for community-based projects (Altai Consulting 2016, handbook §3.2.1)."""

    RETURN_VOLUME = 1, _("Enough migrants return to the same community within a short period.")
    PROFILES = 2, _("Returnee profiles suit the project (skills match).")
    INTEREST = 3, _("The local community is interested and the returnees are motivated.")
    INFRASTRUCTURE = 4, _("Basic infrastructure exists in the region.")
    SERVICES = 5, _("Services are available (health, education, housing…).")
    STABILITY = 6, _("The area is stable and secure and offers economic opportunities.")
    CIVIL_SOCIETY = 7, _("Civil society is active.")


class Rating(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class CommunityProfile(models.Model):
    """A dated community profile (handbook §3.2.1, A.2 sections); the latest one is current."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="profiles"
    )
    profiled_on = models.DateField(_("date of the profile"))
    needs_resources = models.TextField(
        _("needs and resources"),
        max_length=5000,
        blank=True,
        help_text=_("Including how return migration affects them."),
    )
    drivers = models.TextField(_("drivers of migration"), max_length=5000, blank=True)
    barriers = models.TextField(_("barriers to sustainable reintegration"), max_length=5000, blank=True)
    resilience = models.TextField(_("sources of resilience"), max_length=5000, blank=True)
    initiatives = models.TextField(
        _("existing initiatives"),
        max_length=5000,
        blank=True,
        help_text=_("Local development and community initiatives."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community profile")
        verbose_name_plural = _("community profiles")
        ordering = ["-profiled_on", "-id"]

    def __str__(self) -> str:
        return f"{self.community} {self.profiled_on}"

    def get_absolute_url(self) -> str:
        return reverse("community:profile", args=[self.pk])


class CriterionRating(models.Model):
    profile = models.ForeignKey(CommunityProfile, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.PositiveSmallIntegerField(_("criterion"), choices=Criterion.choices)
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["criterion"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "criterion"], name="community_criterion_once_per_profile")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.rating}"


class Approach(models.TextChoices):
    COLLECTIVE = "collective", _("Collective returnee project")
    COMMUNITY_BASED = "community_based", _("New community-based project")
    INCLUSION = "inclusion", _("Inclusion in an existing community project")


PROJECT_DIMENSIONS = [choice for choice in Dimension.choices if choice[0] != Dimension.IMMEDIATE]


class Employment(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")
    BOTH = "both", _("Both")


class CommunityProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="projects"
    )
    programme = models.ForeignKey(
        "accounts.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="community_projects"
    )
    title = models.CharField(_("title"), max_length=200)
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices)
    dimension = models.CharField(_("dimension"), max_length=20, choices=PROJECT_DIMENSIONS)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    employment = models.CharField(
        _("employment or self-employment"),
        max_length=20,
        choices=Employment.choices,
        blank=True,
        help_text=_("Economic projects only."),
    )
    value_chain = models.CharField(_("value chain"), max_length=200, blank=True)
    partners = models.TextField(_("partners"), max_length=2000, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In the programme currency."),
    )
    local_ownership = models.TextField(
        _("local ownership"), max_length=5000, blank=True, help_text=_("Who locally owns and carries the project.")
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community project")
        verbose_name_plural = _("community projects")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="community_project_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="community_project_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:project", args=[self.pk])


class AgeGroup(models.TextChoices):
    CHILD = "0-17", _("Under 18")
    YOUTH = "18-24", _("18 to 24")
    YOUNG_ADULT = "25-34", _("25 to 34")
    ADULT = "35-59", _("35 to 59")
    SENIOR = "60+", _("60 and over")
    UNKNOWN = "", _("Unknown")


def age_group_of(birth_date: date | None, today: date) -> str:
    if birth_date is None:
        return AgeGroup.UNKNOWN
    years = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    for group, bound in ((AgeGroup.CHILD, 18), (AgeGroup.YOUTH, 25), (AgeGroup.YOUNG_ADULT, 35), (AgeGroup.ADULT, 60)):
        if years < bound:
            return group
    return AgeGroup.SENIOR


class Participant(models.Model):
    """A returnee (linked to their case) or a non-migrant resident (a light record without a case)."""

    project = models.ForeignKey(
        CommunityProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="participants"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_participations",
    )
    label = models.CharField(
        _("name or initials"), max_length=120, blank=True, help_text=_("Residents only; hidden from M&E officers.")
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "case"],
                condition=models.Q(case__isnull=False),
                name="community_returnee_once_per_project",
                violation_error_message=_("This returnee already takes part in the project."),
            ),
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | ~models.Q(label=""),
                name="community_resident_has_label",
                violation_error_message=_("Enter the resident's name or initials."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.case_id or self.label}"

    @property
    def is_returnee(self) -> bool:
        return self.case_id is not None
