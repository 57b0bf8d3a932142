"""The append-only audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One thing that happened: who, where, to what, when, and which fields changed (old → new)."""

    class Type(models.TextChoices):
        PERSON_REGISTERED = "person.registered", _("Person registered")
        PERSON_UPDATED = "person.updated", _("Person updated")
        DUPLICATE_LINKED = "duplicate.linked", _("Linked to an existing person")
        DUPLICATE_DISMISSED = "duplicate.dismissed", _("Confirmed a different person")
        CASE_OPENED = "case.opened", _("Case opened")
        CASE_UPDATED = "case.updated", _("Case updated")
        CASE_VIEWED = "case.viewed", _("Case file opened")
        CASE_STAGE_CHANGED = "case.stage_changed", _("Stage changed")
        CASE_ASSIGNED = "case.assigned", _("Case assigned")
        CASE_TRANSFERRED = "case.transferred", _("Case transferred")
        CASE_CLOSED = "case.closed", _("Case closed")
        CASE_REOPENED = "case.reopened", _("Case reopened")
        CONSENT_RECORDED = "consent.recorded", _("Consent recorded")
        NOTE_ADDED = "note.added", _("Note added")
        TASK_CREATED = "task.created", _("Task created")
        TASK_UPDATED = "task.updated", _("Task updated")
        HOUSEHOLD_MEMBER_ADDED = "household.member_added", _("Household member added")
        USER_CREATED = "user.created", _("User created")
        USER_UPDATED = "user.updated", _("User updated")
        MEMBERSHIP_CHANGED = "membership.changed", _("Role changed")
        TOKEN_CREATED = "token.created", _("API token created")
        TOKEN_REVOKED = "token.revoked", _("API token revoked")
        OFFICE_CREATED = "office.created", _("Office created")
        OFFICE_UPDATED = "office.updated", _("Office updated")
        PROGRAMME_CREATED = "programme.created", _("Programme created")
        PROGRAMME_UPDATED = "programme.updated", _("Programme updated")
        PROFILE_LOADED = "profile.loaded", _("Scoring profile loaded")
        PROFILE_DEFAULT_SET = "profile.default_set", _("Default scoring profile set")
        SCORES_COMPUTED = "scores.computed", _("Scores computed")
        RESPONSE_SAVED = "response.saved", _("Assessment draft saved")
        RESPONSE_SUBMITTED = "response.submitted", _("Assessment submitted")
        FLAG_DECIDED = "flag.decided", _("Assessment flag decided")
        INSTRUMENT_VERSION_UPLOADED = "instrument.version_uploaded", _("Instrument version uploaded")
        INSTRUMENT_CURRENT_SET = "instrument.current_set", _("Current instrument version set")
        EXPORT = "export", _("Export")
        DIRECTORY_CHANGED = "directory.changed", _("Service directory changed")
        DIRECTORY_IMPORTED = "directory.imported", _("Service directory imported")
        PLAN_CREATED = "plan.created", _("Plan created")
        PLAN_UPDATED = "plan.updated", _("Plan updated")
        PLAN_REVISED = "plan.revised", _("Plan revised")
        PLAN_SUBMITTED = "plan.submitted", _("Plan submitted")
        PLAN_APPROVED = "plan.approved", _("Plan approved")
        PLAN_RETURNED = "plan.returned", _("Plan returned for changes")
        PLAN_AGREED = "plan.agreed", _("Plan agreed by the returnee")
        PLAN_DELAY_EXCEPTION = "plan.delay_exception", _("Plan delay exception recorded")
        ACTIVITY_CHANGED = "activity.changed", _("Plan activity changed")
        DISBURSEMENT_RECORDED = "disbursement.recorded", _("Disbursement recorded")
        DISBURSEMENT_UPDATED = "disbursement.updated", _("Disbursement updated")
        EXCHANGE_RATE_ENTERED = "exchange_rate.entered", _("Exchange rate entered")
        RESPONSES_IMPORTED = "responses.imported", _("Assessment responses imported")
        REFERRAL_SENT = "referral.sent", _("Referral sent")
        REFERRAL_SENT_WITHOUT_CONSENT = (
            "referral.consent_overridden",
            _("Referral sent without consent (emergency exception)"),
        )
        REFERRAL_STATUS_CHANGED = "referral.status_changed", _("Referral status changed")
        REFERRAL_VIEWED = "referral.viewed", _("Referral opened by the partner")
        REFERRAL_PRINTED = "referral.printed", _("Referral form printed")
        MONITORING_RULE_CHANGED = "monitoring.rule_changed", _("Follow-up rule changed")
        FOLLOW_UPS_SCHEDULED = "monitoring.follow_ups_scheduled", _("Follow-up tasks scheduled")
        SAMPLE_DRAWN = "sample.drawn", _("Sample drawn")
        SAMPLE_OUTCOME_RECORDED = "sample.outcome_recorded", _("Sample contact outcome recorded")
        FRAMEWORK_CHANGED = "framework.changed", _("Results framework changed")
        INDICATOR_VALUES_ENTERED = "indicator.values_entered", _("Indicator values entered")
        INDICATORS_COMPUTED = "indicators.computed", _("Indicator values computed (snapshot)")
        BIP_VIEWED = "bip.viewed", _("Best-interests procedure opened")
        BIP_ASSESSMENT_SAVED = "bip.assessment_saved", _("Best-interests assessment saved")
        BIP_STEP_CHANGED = "bip.step_changed", _("Best-interests process step changed")
        BIP_DETERMINED = "bip.determined", _("Best-interests determination recorded")
        BIP_REVIEWED = "bip.reviewed", _("Best-interests determination reviewed")
        BIP_CLOSED = "bip.closed", _("Best-interests procedure closed")
        COMMUNITY_SAVED = "community.saved", _("Community saved")
        COMMUNITY_PROFILE_SAVED = "community.profile_saved", _("Community profile saved")
        COMMUNITY_PROJECT_SAVED = "community.project_saved", _("Community project saved")
        COMMUNITY_PARTICIPANT_ADDED = "community.participant_added", _("Participant added to a community project")
        COMMUNITY_PARTICIPANT_REMOVED = (
            "community.participant_removed",
            _("Participant removed from a community project"),
        )
        STRUCTURAL_STAKEHOLDER_SAVED = "structural.stakeholder_saved", _("Stakeholder saved")
        STRUCTURAL_DISCUSSION_ADDED = "structural.discussion_added", _("Stakeholder discussion added")
        STRUCTURAL_AGREEMENT_SAVED = "structural.agreement_saved", _("Agreement saved")
        STRUCTURAL_CAPACITY_SAVED = "structural.capacity_saved", _("Capacity-building activity saved")
        STRUCTURAL_BODY_SAVED = "structural.body_saved", _("Coordination body saved")
        STRUCTURAL_MEETING_ADDED = "structural.meeting_added", _("Coordination meeting added")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.CharField(_("subject"), max_length=40)
    event_type = models.CharField(_("event"), max_length=40, choices=Type.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="audit_case_time"),
            models.Index(fields=["office", "-created_at"], name="audit_office_time"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")
