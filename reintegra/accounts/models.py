"""Offices, programmes, users and their role memberships."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """A country office or a sub-office; sub-offices point to their parent."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country office")
        SUB = "sub", _("Sub-office")

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=10, help_text=_("Short code used in case numbers, e.g. DKR."))
    country = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166 alpha-2, e.g. SN."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNTRY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="fr")

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="office_code_unique_per_country")]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """This office and every office below it (the tree is shallow: a few levels)."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Programme(models.Model):
    """A donor-funded reintegration programme run by one or more offices."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    offices = models.ManyToManyField(Office, verbose_name=_("offices"), related_name="programmes")
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR or XOF."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    per_returnee_cap = models.DecimalField(
        _("budget cap per returnee"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cash_approval_threshold = models.DecimalField(
        _("cash approval threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Plans with more cash than this (programme currency) need a supervisor's approval."),
    )
    plan_due_days = models.PositiveSmallIntegerField(
        _("plan due (days after arrival)"), default=30, help_text=_("The handbook prefers about one month.")
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff or partner user. Roles come from memberships, not from this row."""

    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty means the office's language."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    is_mental_health_professional = models.BooleanField(
        _("mental-health professional"),
        default=False,
        help_text=_("Only a mental-health professional may decide that a referral can be sent without consent."),
    )
    professional_qualification = models.CharField(
        _("professional qualification"),
        max_length=200,
        blank=True,
        help_text=_("E.g. clinical psychologist, psychiatrist; recorded with every consent exception they decide."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    ME_OFFICER = "me_officer", _("M&E officer")
    PARTNER = "partner", _("Partner")
    CHILD_PROTECTION = "child_protection", _("Child-protection specialist")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role in an office; supervisory roles reach the office's sub-offices too."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "office", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.office}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "rtk_" + secrets.token_urlsafe(32)
