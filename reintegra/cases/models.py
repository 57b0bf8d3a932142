"""Returnees, their households and their reintegration cases."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I confusion on paper


def new_pseudonym() -> str:
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not disclosed")


class Relationship(models.TextChoices):
    RETURNEE = "returnee", _("Returnee (reference person)")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other, not related")


class Household(models.Model):
    """The people who live with a returnee; each member is a Person."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"H{self.pk}"


class Person(models.Model):
    """A returnee or a household member. Identifying fields are hidden from pseudonymised roles."""

    pseudonym = models.CharField(_("pseudonym"), max_length=12, unique=True, default=new_pseudonym, editable=False)
    given_names = models.CharField(_("given names"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    alternative_names = models.CharField(
        _("other spellings"), max_length=300, blank=True, help_text=_("Other spellings or names, separated by commas.")
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relationship = models.CharField(
        _("relationship to the returnee"), max_length=16, choices=Relationship.choices, default=Relationship.RETURNEE
    )
    # Search helpers, derived from the names by services.
    phonetic_name = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["birth_date"], name="person_birth_date")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def birth_year(self) -> int | None:
        return self.birth_date.year if self.birth_date else None

    def age_on(self, day) -> int | None:
        if not self.birth_date:
            return None
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class NameKey(models.Model):
    """One phonetic key of one name token, for indexed tolerant search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=60)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="namekey_key_person")]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="namekey_unique")]

    def __str__(self) -> str:
        return self.key


class Phone(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone number"), max_length=32)
    tail = models.CharField(max_length=8, editable=False, db_index=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer / travel document")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        CONSULAR_CARD = "consular_card", _("Consular card")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=60)
    normalised = models.CharField(max_length=60, editable=False, db_index=True)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


class ReturnType(models.TextChoices):
    ASSISTED_VOLUNTARY = "assisted_voluntary", _("Assisted voluntary return")
    SPONTANEOUS = "spontaneous", _("Spontaneous return")
    FORCED = "forced", _("Forced return")
    INTERNAL_DISPLACEMENT = "internal_displacement", _("Internal displacement")


class ClosureGroup(models.TextChoices):
    PLANNED = "planned", _("Planned completion")
    ABRUPT = "abrupt", _("Abrupt (returnee-initiated)")
    DEATH = "death", _("Death")
    INVOLUNTARY = "involuntary", _("Involuntary (provider side)")


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", _("Support period completed")
    CRITERIA_NO_LONGER_MET = "criteria_no_longer_met", _("No longer meets the case-management criteria")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    WITHDREW = "withdrew", _("Chose to stop (withdrew)")
    LEFT_AREA = "left_area", _("Left the area")
    REMIGRATED = "remigrated", _("Re-migrated")
    NOT_SUITABLE = "not_suitable", _("Assistance no longer wanted or suitable")
    DEATH = "death", _("Death")
    FUNDING_ENDED = "funding_ended", _("Funding ended")
    SECURITY = "security", _("Security or other risks")


CLOSURE_REASON_GROUPS = {
    ClosureReason.SUPPORT_COMPLETED: ClosureGroup.PLANNED,
    ClosureReason.CRITERIA_NO_LONGER_MET: ClosureGroup.PLANNED,
    ClosureReason.LOST_CONTACT: ClosureGroup.ABRUPT,
    ClosureReason.WITHDREW: ClosureGroup.ABRUPT,
    ClosureReason.LEFT_AREA: ClosureGroup.ABRUPT,
    ClosureReason.REMIGRATED: ClosureGroup.ABRUPT,
    ClosureReason.NOT_SUITABLE: ClosureGroup.ABRUPT,
    ClosureReason.DEATH: ClosureGroup.DEATH,
    ClosureReason.FUNDING_ENDED: ClosureGroup.INVOLUNTARY,
    ClosureReason.SECURITY: ClosureGroup.INVOLUNTARY,
}


class Case(models.Model):
    """One reintegration process of one person, in one office."""

    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="cases"
    )
    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    is_child = models.BooleanField(_("child case"), default=False, editable=False)
    pre_departure = models.BooleanField(
        _("opened before departure"), default=False, help_text=_("Opened by a host-country office before return.")
    )
    # Return
    return_type = models.CharField(_("type of return"), max_length=24, choices=ReturnType.choices)
    host_country = models.CharField(_("host country"), max_length=2, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_point = models.CharField(_("point of arrival"), max_length=120, blank=True)
    return_country = models.CharField(_("country of return"), max_length=2)
    return_region = models.CharField(_("region"), max_length=120, blank=True)
    return_district = models.CharField(_("district / commune"), max_length=120, blank=True)
    return_locality = models.CharField(_("locality / exact address"), max_length=200, blank=True)
    # Closure
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closure_group = models.CharField(_("closure group"), max_length=16, choices=ClosureGroup.choices, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(_("reasons explored"), blank=True)
    remigration_intention = models.BooleanField(_("intends to migrate again"), null=True, blank=True)
    stage_before_closure = models.CharField(max_length=16, choices=Stage.choices, blank=True, editable=False)
    opened_at = models.DateTimeField(_("opened on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["office", "stage", "-id"], name="case_office_stage"),
            models.Index(fields=["office", "assigned_to", "-id"], name="case_office_assignee"),
            models.Index(fields=["assigned_to", "stage"], name="case_assignee_stage"),
            models.Index(fields=["arrival_date"], name="case_arrival"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage="closed")
                | (models.Q(closed_at__isnull=False) & ~models.Q(closure_reason="")),
                name="closed_case_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:case_detail", args=[self.number])


class CaseNumberSequence(models.Model):
    """The last case number used per office and year (case numbers are per office, readable)."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_value}"


class StageChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} → {self.to_stage}"


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing for case management")
    SHARING = "sharing", _("Sharing with service providers")
    MONITORING = "monitoring", _("Monitoring contact")
    MEDIA = "media", _("Photos and testimonies")
    TRANSFER = "transfer", _("Transfer between offices")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form")
    VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness")


class Consent(models.Model):
    """One consent decision; the latest per purpose is in force. Rows are never edited."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    status = models.CharField(_("decision"), max_length=16, choices=ConsentStatus.choices)
    decided_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=ConsentMethod.choices)
    witness_name = models.CharField(_("witness"), max_length=120, blank=True)
    document = models.FileField(_("signed form"), upload_to="consents/%Y/%m/", blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "purpose", "-id"], name="consent_case_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_status_display()}"


class CaseNote(models.Model):
    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("Counselling session")
        CONTACT = "contact", _("Contact or follow-up")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COUNSELLING)
    session_date = models.DateField(_("date"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-session_date", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.session_date}"


class Task(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        FOLLOW_UP_CONTACT = "follow_up_contact", _("Follow-up contact")
        ASSESSMENT = "assessment", _("Assessment")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    due_date = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="task_status_due"),
            models.Index(fields=["case", "status", "due_date"], name="task_case_status_due"),
        ]

    def __str__(self) -> str:
        return self.title


class CaseTransfer(models.Model):
    """A case moved from one office to another (host → origin), with consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    to_office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_office_id} → {self.to_office_id}"
