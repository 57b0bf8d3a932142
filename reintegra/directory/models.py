"""The service directory (service mapping, handbook Annex 8): organisations, their services and agreements.

This is programme configuration, not case data: staff read it to refer returnees; programme managers
and administrators keep it up to date (see `reintegra.directory.access`).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegra.lib.i18n import in_language

EXPIRY_WARNING_DAYS = 60


class Dimension(models.TextChoices):
    ECONOMIC = "economic", _("Economic")
    SOCIAL = "social", _("Social")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    IMMEDIATE = "immediate", _("Immediate assistance")


class Level(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMMUNITY = "community", _("Community")
    STRUCTURAL = "structural", _("Structural")


class Organisation(models.Model):
    """A service provider or stakeholder: government body, NGO, company, agency."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        NGO = "ngo", _("Non-governmental organisation")
        PRIVATE = "private", _("Private sector")
        INTERNATIONAL = "international", _("International organisation")
        UN_AGENCY = "un_agency", _("UN agency")
        COMMUNITY = "community", _("Community-based organisation")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country code"), max_length=2, blank=True, help_text=_("ISO 3166 alpha-2, e.g. SN."))
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("managed by office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_organisations",
        help_text=_("The office whose programme managers keep this entry up to date."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="directory_organisation_name_unique",
                violation_error_message=_("An organisation with this name is already in the directory."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:organisation", args=[self.pk])


class ServiceCategory(models.Model):
    """A configurable service type (Annex 8 taxonomy, extended), tagged with a dimension."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.INDIVIDUAL)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The label in the active language (French or English)."""
        return in_language(self.name_en, self.name_fr)


class Service(models.Model):
    """One service an organisation offers, with the SOP first-contact fields."""

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        SUBSIDISED = "subsidised", _("Subsidised")
        PAID = "paid", _("Paid")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    categories = models.ManyToManyField(ServiceCategory, verbose_name=_("categories"), related_name="services")
    eligibility = models.TextField(_("eligibility criteria"), max_length=5000, blank=True)
    accessibility = models.TextField(_("accessibility"), max_length=5000, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    cost_note = models.CharField(_("cost note"), max_length=300, blank=True)
    response_days = models.PositiveSmallIntegerField(
        _("response time (days)"),
        null=True,
        blank=True,
        help_text=_("Days within which the provider makes first contact after a referral."),
    )
    first_contact_data = models.TextField(
        _("data needed at first contact"),
        max_length=2000,
        blank=True,
        help_text=_("What the provider needs to know about the returnee when a referral is made."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="directory_service_name_unique_per_org",
                violation_error_message=_("This organisation already has a service with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(response_days__isnull=True) | models.Q(response_days__gte=1),
                name="directory_service_response_days_positive",
                violation_error_message=_("The response time must be at least one day."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:service", args=[self.pk])

    @property
    def dimensions(self) -> list[str]:
        """The dimensions of the service's categories, in the order of Dimension (uses prefetched categories)."""
        present = {category.dimension for category in self.categories.all()}
        return [value for value in Dimension.values if value in present]

    def dimension_labels(self) -> list[str]:
        labels = dict(Dimension.choices)
        return [labels[value] for value in self.dimensions]


class CoverageArea(models.Model):
    """Where a service is offered: a country, or a region of it, or a district of a region (blank = whole)."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="areas")
    country = models.CharField(_("country code"), max_length=2)
    region = models.CharField(_("region"), max_length=120, blank=True)
    district = models.CharField(_("district"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("coverage area")
        verbose_name_plural = _("coverage areas")
        ordering = ["country", "region", "district"]
        constraints = [
            models.UniqueConstraint(
                "service",
                "country",
                Lower("region"),
                Lower("district"),
                name="directory_area_unique",
                violation_error_message=_("This coverage area is listed twice."),
            ),
            models.CheckConstraint(
                condition=models.Q(district="") | ~models.Q(region=""),
                name="directory_area_district_needs_region",
                violation_error_message=_("A district needs its region."),
            ),
        ]
        indexes = [models.Index(fields=["country", "region", "district"], name="directory_area_place")]

    def __str__(self) -> str:
        return " / ".join(part for part in (self.country, self.region, self.district) if part)

    def as_line(self) -> str:
        """The import/export notation: SN, SN/Dakar or SN/Dakar/Pikine."""
        return "/".join(part for part in (self.country, self.region, self.district) if part)


def agreement_upload_to(instance: "Agreement", filename: str) -> str:
    return f"directory/agreements/{timezone.now():%Y/%m}/{filename}"


class Agreement(models.Model):
    """A long-term agreement (service providers) or memorandum of understanding (authorities)."""

    class Kind(models.TextChoices):
        LTA = "lta", _("Long-term agreement (LTA)")
        MOU = "mou", _("Memorandum of understanding (MoU)")
        OTHER = "other", _("Other agreement")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Not yet in force")
        CURRENT = "current", _("In force")
        EXPIRING = "expiring", _("Ending soon")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Empty when open-ended."))
    services = models.ManyToManyField(
        Service,
        verbose_name=_("services covered"),
        blank=True,
        related_name="agreements",
        help_text=_("Empty means every service of the organisation."),
    )
    response_days = models.PositiveSmallIntegerField(
        _("first response within (days)"),
        null=True,
        blank=True,
        help_text=_("Overrides the services' own response time while the agreement is in force."),
    )
    document = models.FileField(_("signed document"), upload_to=agreement_upload_to, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="directory_agreement_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(response_days__isnull=True) | models.Q(response_days__gte=1),
                name="directory_agreement_response_days_positive",
                violation_error_message=_("The response time must be at least one day."),
            ),
            models.UniqueConstraint(
                "organisation",
                Lower("reference"),
                name="directory_agreement_reference_unique",
                violation_error_message=_("This organisation already has an agreement with this reference."),
            ),
        ]
        indexes = [models.Index(fields=["end_date"], name="directory_agreement_end")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return f"{self.organisation.get_absolute_url()}#agreement-{self.pk}"

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)

    def status(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if on < self.start_date:
            return self.Status.UPCOMING
        if self.end_date is not None and self.end_date < on:
            return self.Status.EXPIRED
        if self.end_date is not None and (self.end_date - on).days <= EXPIRY_WARNING_DAYS:
            return self.Status.EXPIRING
        return self.Status.CURRENT

    def status_label(self) -> str:
        return self.Status(self.status()).label


class PartnerProfile(models.Model):
    """Links a partner user to the organisation they work for (read-only view of its entries)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="partner_profile"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partner_profiles"
    )

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class DirectoryImport(models.Model):
    """One XLSX import: who, when, into which office, and the row-by-row report."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("check only"), default=False)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("directory import")
        verbose_name_plural = _("directory imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
