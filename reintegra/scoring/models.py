"""RSS scoring profiles (versioned data) and the scores computed with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reintegra.lib.i18n import in_language


class ScoringProfile(models.Model):
    """A versioned mapping of questions → indicators → dimensions, with weights and rules.

    The definition is the validated profile document (see docs/scoring-profiles.md). Profiles
    are never edited once used: a change is a new version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(_("code"), max_length=60)
    version = models.CharField(_("version"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    instrument = models.ForeignKey(
        "instruments.Instrument", verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="profiles"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_default = models.BooleanField(_("default profile"), default=False)
    provisional = models.BooleanField(_("provisional"), default=False)
    source_note = models.TextField(_("source"), blank=True)
    definition = models.JSONField(_("definition"))
    source_text = models.TextField(_("profile file"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scoring profile")
        verbose_name_plural = _("scoring profiles")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="profile_version_unique"),
            models.UniqueConstraint(
                fields=["instrument"], condition=models.Q(is_default=True), name="one_default_profile"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def name(self, language: str) -> str:
        return in_language(self.name_en, self.name_fr, language)


class Score(models.Model):
    """Dimension and composite scores (0..1) of one response under one profile version.

    Re-scoring with another profile adds rows; existing rows are never changed.
    """

    response = models.ForeignKey(
        "instruments.Response", verbose_name=_("response"), on_delete=models.CASCADE, related_name="scores"
    )
    profile = models.ForeignKey(
        ScoringProfile, verbose_name=_("profile"), on_delete=models.PROTECT, related_name="scores"
    )
    # Denormalised for fast dashboards and lists (one case, many occasions).
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="scores")
    economic = models.FloatField(_("economic"), null=True)
    social = models.FloatField(_("social"), null=True)
    psychosocial = models.FloatField(_("psychosocial"), null=True)
    composite = models.FloatField(_("composite"), null=True)
    missing_count = models.PositiveSmallIntegerField(_("missing answers"), default=0)
    indicator_values = models.JSONField(_("indicator values"), default=dict)
    bands = models.JSONField(_("bands"), default=dict, blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["-computed_at"]
        constraints = [models.UniqueConstraint(fields=["response", "profile"], name="score_unique_per_profile")]
        indexes = [models.Index(fields=["profile", "case"], name="score_profile_case")]

    def __str__(self) -> str:
        return f"{self.response_id} / {self.profile}"
