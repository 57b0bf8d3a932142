"""Writes to referrals. Each service checks the actor's right, validates, saves and audits in one
transaction; pages and the API call these and nothing else.

Consent (handbook referrals §5): a referral is sent only while the case's sharing consent is given.
Without it, only a user flagged as a mental-health professional may send, on one of the two
grounds of the emergency exception, with a written justification; that referral is audited with
its own event type. Withdrawing the sharing consent blocks new referrals; referrals already sent
keep their package (what was lawfully shared stays with the partner; the office cancels the
referral if the returnee asks to stop it).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.cases.models import Case, ConsentPurpose, ConsentStatus, Stage
from reintegra.directory.selectors import first_response_days
from reintegra.instruments.selectors import case_responses, may_see_answers
from reintegra.plans.models import Activity, Delivery, Plan
from reintegra.referrals import package as pkg
from reintegra.referrals.access import may_override_consent, partner_organisation_id
from reintegra.referrals.models import (
    OFFICE_MOVES,
    PARTNER_MOVES,
    OverrideReason,
    Referral,
    ReferralEvent,
    Status,
)

# When neither the service nor an agreement in force sets a response time.
DEFAULT_RESPONSE_DAYS = 14
MIN_JUSTIFICATION = 20  # characters: a sentence, not a tick


@dataclass(frozen=True)
class ReferralInput:
    service: object  # directory.Service, already read through the directory selectors
    need_summary: str
    shared_fields: list[str]
    activity: Activity | None = None


@dataclass(frozen=True)
class ExceptionInput:
    """The emergency exception: one of the two grounds and a written justification."""

    reason: str
    justification: str


# ------------------------------------------------------------------ helpers


def _require_referrer(actor: User, case: Case) -> None:
    if not access_for(actor).may_work_on(case.office_id):
        raise PermissionDenied(_("You may not refer returnees of this office."))


def _sharing_consent(case: Case):
    consent = case.consents.filter(purpose=ConsentPurpose.SHARING).order_by("-id").first()
    return consent if consent is not None and consent.status == ConsentStatus.GIVEN else None


def _visible_flags(actor: User, case: Case) -> list:
    access = access_for(actor)
    flags = []
    for response in case_responses(case):
        if may_see_answers(access, response):
            flags += list(response.flags.all())
    return flags


def _validate(actor: User, case: Case, data: ReferralInput) -> dict:
    errors: dict[str, str] = {}
    if case.stage == Stage.CLOSED:
        errors["case"] = _("The case is closed: reopen it before referring the returnee.")
    service = data.service
    if service is None:
        errors["service"] = _("Choose a service from the directory.")
    elif not (service.active and service.organisation.active):
        errors["service"] = _("This service is no longer active in the directory.")
    if not data.need_summary.strip():
        errors["need_summary"] = _("Describe the need the provider should address.")
    elif len(data.need_summary) > 2000:
        errors["need_summary"] = _("Keep the need summary under 2000 characters.")
    unknown = [code for code in data.shared_fields if code not in pkg.CODES]
    if unknown:
        errors["shared_fields"] = _("Choose fields from the list.")
    elif not data.shared_fields:
        errors["shared_fields"] = _("Choose at least one field to share.")
    activity = data.activity
    if activity is not None:
        plan = activity.plan
        if plan.case_id != case.pk or plan.status == Plan.Status.SUPERSEDED:
            errors["activity"] = _("Choose an activity of this case's current plan.")
        elif activity.delivery != Delivery.REFERRAL:
            errors["activity"] = _("This activity is delivered directly, not by referral.")
        elif activity.status == Activity.Status.CANCELLED:
            errors["activity"] = _("This activity is cancelled.")
    return errors


def _consent_basis(actor: User, case: Case, exception: ExceptionInput | None) -> dict:
    """The legal basis: the consent in force, else a valid exception by a professional; else refuse."""
    consent = _sharing_consent(case)
    if consent is not None and exception is None:
        return {"consent": consent}
    if exception is None:
        raise ValidationError(
            {
                "consent": _(
                    "The returnee has not given consent to share information with service providers. "
                    "Record the consent first."
                )
            }
        )
    if not may_override_consent(actor):
        raise PermissionDenied(_("Only a mental-health professional may decide to refer without consent."))
    qualification = (actor.professional_qualification or "").strip()
    errors = {}
    if not qualification:
        errors["override_reason"] = _("Your account has no professional qualification recorded; ask an administrator.")
    if exception.reason not in OverrideReason.values:
        errors["override_reason"] = _("Choose one of the two grounds of the exception.")
    if len(exception.justification.strip()) < MIN_JUSTIFICATION:
        errors["override_justification"] = _("Write the justification in at least %(count)d characters.") % {
            "count": MIN_JUSTIFICATION
        }
    if errors:
        raise ValidationError(errors)
    return {
        "override_reason": exception.reason,
        "override_justification": exception.justification.strip(),
        "override_decided_by": actor,
        "override_qualification": qualification,
        "override_decided_on": timezone.localdate(),
    }


def response_due_for(service, on) -> object:
    days = first_response_days(service, on) or DEFAULT_RESPONSE_DAYS
    return on + timedelta(days=days)


# ------------------------------------------------------------------ sending


def referral_preview(*, actor: User, case: Case, data: ReferralInput) -> dict:
    """The exact package that `referral_send` would send now, with its fingerprint. Saves nothing."""
    _require_referrer(actor, case)
    errors = _validate(actor, case, data)
    if errors:
        raise ValidationError(errors)
    package = pkg.build_package(
        case=case,
        codes=data.shared_fields,
        need_summary=data.need_summary,
        service=data.service,
        actor=actor,
        on=timezone.localdate(),
        flags=_visible_flags(actor, case) if "flags" in data.shared_fields else [],
    )
    return {"package": package, "digest": pkg.digest(package)}


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    data: ReferralInput,
    exception: ExceptionInput | None = None,
    expected_digest: str = "",
) -> Referral:
    """Send a referral with the package frozen now. `expected_digest` (from the preview) must still match."""
    preview = referral_preview(actor=actor, case=case, data=data)
    if expected_digest and expected_digest != preview["digest"]:
        raise ValidationError({"digest": _("The case changed since the preview: check the package again.")})
    basis = _consent_basis(actor, case, exception)
    today = timezone.localdate()
    referral = Referral(
        case=case,
        activity=data.activity,
        service=data.service,
        organisation_id=data.service.organisation_id,
        need_summary=data.need_summary.strip(),
        shared_fields=pkg.clean_codes(data.shared_fields),
        shared_snapshot=preview["package"],
        response_due=response_due_for(data.service, today),
        created_by=actor,
        **basis,
    )
    referral.full_clean(exclude=["case", "service", "organisation", "activity", "consent", "created_by"])
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=Status.SENT, actor=actor, at=referral.sent_at)
    changes = {
        "service": referral.service_id,
        "organisation": referral.organisation_id,
        "shared_fields": referral.shared_fields,
        "response_due": referral.response_due,
    }
    if referral.is_exception:
        event_type = AuditEvent.Type.REFERRAL_SENT_WITHOUT_CONSENT
        changes.update(
            reason=referral.override_reason,
            justification=referral.override_justification,
            decided_by=actor.pk,
            qualification=referral.override_qualification,
            decided_on=referral.override_decided_on,
        )
    else:
        event_type = AuditEvent.Type.REFERRAL_SENT
        changes["consent"] = referral.consent_id
    audit_record(actor=actor, event_type=event_type, subject=referral, office=case.office, case=case, changes=changes)
    return referral


# ------------------------------------------------------------------ status


_STAMP = {
    Status.ACCEPTED: "accepted_at",
    Status.DECLINED: "declined_at",
    Status.IN_PROGRESS: "started_at",
    Status.COMPLETED: "completed_at",
    Status.NO_RESPONSE: "no_response_at",
    Status.CANCELLED: "cancelled_at",
}
NOTE_REQUIRED = {
    Status.DECLINED: _("Give the reason for declining."),
    Status.IN_PROGRESS: _("Write what happened since the last update."),
    Status.COMPLETED: _("Give feedback on the outcome."),
    Status.CANCELLED: _("Give the reason for cancelling."),
}


def _move(*, actor: User | None, referral: Referral, to: str, note: str, by_partner: bool) -> Referral:
    note = (note or "").strip()
    if to in NOTE_REQUIRED and not note:
        raise ValidationError({"note": str(NOTE_REQUIRED[to])})
    if len(note) > 4000:
        raise ValidationError({"note": _("Keep the note under 4000 characters.")})
    now = timezone.now()
    # Lock the row: two clicks (or a partner and the sweep) must not both move it.
    before = Referral.objects.select_for_update().values_list("status", flat=True).get(pk=referral.pk)
    allowed = (PARTNER_MOVES if by_partner else OFFICE_MOVES).get(to, ())
    if before not in allowed:
        raise ValidationError(
            {
                "status": _("A referral that is %(current)s cannot become %(next)s.")
                % {"current": Status(before).label.lower(), "next": Status(to).label.lower()}
            }
        )
    referral.status = to
    if getattr(referral, _STAMP[to]) is None:  # the first time the step is reached
        setattr(referral, _STAMP[to], now)
    referral.last_event_at = now
    referral.save(update_fields=["status", _STAMP[to], "last_event_at"])
    ReferralEvent.objects.create(referral=referral, status=to, note=note, actor=actor, by_partner=by_partner, at=now)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.REFERRAL_STATUS_CHANGED,
        subject=referral,
        office=referral.case.office,
        case=referral.case,
        changes={"status": [before, to], "by_partner": by_partner, **({"note": note} if note else {})},
    )
    return referral


def _require_partner(actor: User, referral: Referral) -> None:
    if partner_organisation_id(actor) != referral.organisation_id:
        raise PermissionDenied(_("Only the staff of the organisation this referral is addressed to may answer it."))


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, note: str = "") -> Referral:
    _require_partner(actor, referral)
    return _move(actor=actor, referral=referral, to=Status.ACCEPTED, note=note, by_partner=True)


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    _require_partner(actor, referral)
    return _move(actor=actor, referral=referral, to=Status.DECLINED, note=reason, by_partner=True)


@transaction.atomic
def referral_update(*, actor: User, referral: Referral, note: str) -> Referral:
    """The partner reports progress: the referral is (or stays) in progress."""
    _require_partner(actor, referral)
    return _move(actor=actor, referral=referral, to=Status.IN_PROGRESS, note=note, by_partner=True)


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, feedback: str) -> Referral:
    _require_partner(actor, referral)
    return _move(actor=actor, referral=referral, to=Status.COMPLETED, note=feedback, by_partner=True)


def _require_office(actor: User, referral: Referral) -> None:
    if not access_for(actor).may_work_on(referral.case.office_id):
        raise PermissionDenied(_("Only the referring office may do this."))


@transaction.atomic
def referral_mark_no_response(*, actor: User | None, referral: Referral, note: str = "") -> Referral:
    """The first-response deadline has passed without an answer (by the office, or the sweep when actor is None)."""
    if actor is not None:
        _require_office(actor, referral)
    if referral.response_due >= timezone.localdate():
        raise ValidationError(
            {"status": _("The provider has until %(date)s to answer.") % {"date": referral.response_due.isoformat()}}
        )
    return _move(actor=actor, referral=referral, to=Status.NO_RESPONSE, note=note, by_partner=False)


@transaction.atomic
def referral_cancel(*, actor: User, referral: Referral, reason: str) -> Referral:
    _require_office(actor, referral)
    return _move(actor=actor, referral=referral, to=Status.CANCELLED, note=reason, by_partner=False)


def referral_office_move(*, actor: User, referral: Referral, status: str, note: str = "") -> Referral:
    if status == Status.NO_RESPONSE:
        return referral_mark_no_response(actor=actor, referral=referral, note=note)
    if status == Status.CANCELLED:
        return referral_cancel(actor=actor, referral=referral, reason=note)
    raise ValidationError({"status": _("The referring office may only mark no response or cancel.")})


def referrals_sweep(*, today=None) -> int:
    """Mark every sent referral past its deadline as "no response" (a daily job). Returns how many."""
    from reintegra.referrals.selectors import overdue_referrals_to_sweep

    today = today or timezone.localdate()
    count = 0
    for referral in overdue_referrals_to_sweep(today):
        try:
            referral_mark_no_response(
                actor=None, referral=referral, note=_("No answer by the first-response deadline.")
            )
        except ValidationError:
            continue  # answered meanwhile
        count += 1
    return count


# ------------------------------------------------------------------ reads worth auditing


def referral_viewed(*, actor: User, referral: Referral) -> None:
    """A partner opened the package (personal data read outside the organisation)."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.REFERRAL_VIEWED,
        subject=referral,
        office=referral.case.office,
        case=referral.case,
    )


def referral_printed(*, actor: User, referral: Referral, language: str) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.REFERRAL_PRINTED,
        subject=referral,
        office=referral.case.office,
        case=referral.case,
        changes={"language": language},
    )
