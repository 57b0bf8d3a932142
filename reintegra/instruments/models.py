"""Questionnaires (XLSForm instruments), their versions, and the responses collected with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reintegra.lib.i18n import in_language


class Instrument(models.Model):
    """A questionnaire, e.g. the RSS or the rapid vulnerability screening; its content lives in versions."""

    class Kind(models.TextChoices):
        RSS = "rss", _("Reintegration Sustainability Survey")
        RAPID_SCREENING = "rapid_screening", _("Rapid vulnerability screening")
        VULNERABILITY = "vulnerability", _("Vulnerability assessment")
        RISK = "risk", _("Risk assessment")
        FAMILY = "family", _("Family assessment")
        SKILLS = "skills", _("Skills assessment")
        SATISFACTION = "satisfaction", _("Reintegration satisfaction survey")
        COUNSELLING_INTAKE = "counselling_intake", _("First counselling session")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Answers about health, protection or trafficking.")
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.code

    def title(self, language: str) -> str:
        return in_language(self.title_en, self.title_fr, language)


class InstrumentVersion(models.Model):
    """One XLSForm of an instrument, as uploaded or shipped, with what pyxform made of it."""

    class SourceFormat(models.TextChoices):
        MARKDOWN = "md", _("Markdown XLSForm (shipped with Reintegra)")
        XLSX = "xlsx", _("XLSX workbook")

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.CharField(_("version"), max_length=40)
    source = models.BinaryField(_("XLSForm source"))
    source_format = models.CharField(_("source format"), max_length=4, choices=SourceFormat.choices)
    definition = models.JSONField(_("survey definition"), help_text=_("pyxform's JSON of the form."))
    xform = models.TextField(_("XForm XML"))
    is_current = models.BooleanField(_("current version"), default=False)
    flag_rules = models.JSONField(
        _("flag rules"), default=list, blank=True, help_text=_("The flag rules checked when this version was loaded.")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "version"], name="instrument_version_unique"),
            models.UniqueConstraint(
                fields=["instrument"], condition=models.Q(is_current=True), name="one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.version}"


class Occasion(models.TextChoices):
    SCREENING = "screening", _("Single assessment")
    BASELINE = "baseline", _("Baseline")
    FOLLOW_UP = "follow_up", _("Follow-up")
    ENDLINE = "endline", _("End-line")


class InterviewMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    OTHER = "other", _("Other")


class Response(models.Model):
    """Answers to one instrument version for one case, on one occasion. Drafts can be resumed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("API")
        IMPORT = "import", _("Imported file")

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="responses")
    instrument_version = models.ForeignKey(
        InstrumentVersion, verbose_name=_("instrument version"), on_delete=models.PROTECT, related_name="responses"
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    occasion_number = models.PositiveSmallIntegerField(
        _("follow-up number"), default=0, help_text=_("1 for the first follow-up, 2 for the second…; 0 otherwise.")
    )
    interview_date = models.DateField(_("interview date"))
    mode = models.CharField(_("mode"), max_length=12, choices=InterviewMode.choices, default=InterviewMode.IN_PERSON)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    interviewer_name = models.CharField(_("interviewer (as recorded)"), max_length=120, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("ODK/Kobo instance id of an imported submission.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-interview_date", "-id"]
        indexes = [
            models.Index(fields=["case", "instrument_version", "-interview_date"], name="response_case_version"),
            models.Index(fields=["instrument_version", "status", "occasion"], name="response_version_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_version", "external_id"],
                condition=~models.Q(external_id=""),
                name="response_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.instrument_version} {self.occasion}"


class Flag(models.Model):
    """Something an answer suggests (a referral, an assessment); the case manager confirms or dismisses it."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags")
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="flags")
    code = models.SlugField(_("flag"), max_length=60)
    label_en = models.CharField(max_length=200)
    label_fr = models.CharField(max_length=200)
    suggestion_en = models.CharField(max_length=300, blank=True)
    suggestion_fr = models.CharField(max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at", "code"]
        constraints = [models.UniqueConstraint(fields=["response", "code"], name="flag_unique_per_response")]

    def __str__(self) -> str:
        return self.code

    def label(self, language: str) -> str:
        return in_language(self.label_en, self.label_fr, language)

    def suggestion(self, language: str) -> str:
        return in_language(self.suggestion_en, self.suggestion_fr, language)


class ImportBatch(models.Model):
    """One import of a Kobo/ODK export (or a check of one): who, when, which file and version, the row report."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, verbose_name=_("instrument version"), on_delete=models.PROTECT, related_name="imports"
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    occasion_number = models.PositiveSmallIntegerField(_("follow-up number"), default=0)
    file_name = models.CharField(_("file name"), max_length=255)
    check_only = models.BooleanField(_("check only"), default=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    accepted_count = models.PositiveIntegerField(_("accepted"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    already_imported_count = models.PositiveIntegerField(_("already imported"), default=0)
    report = models.JSONField(
        _("report"), default=dict, blank=True, help_text=_("Rows, ignored columns and notes, as shown on the report.")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("response import")
        verbose_name_plural = _("response imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="importbatch_actor_time")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
