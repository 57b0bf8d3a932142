"""Writes for instruments and assessments: versions, responses, flags. Each one checks the actor's
right, validates, saves and audits in one transaction; views, the API and commands call these."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.cases.models import Case, ConsentPurpose, Stage, Task
from reintegra.cases.selectors import consent_given
from reintegra.cases.services import task_create
from reintegra.instruments import flags as flag_rules
from reintegra.instruments.engine import FormModel, check_expressions, validate_answers
from reintegra.instruments.models import Flag, Instrument, InstrumentVersion, InterviewMode, Occasion, Response
from reintegra.instruments.registry import Shipped
from reintegra.instruments.xlsform import XLSFormError, parse_source
from reintegra.scoring.services import response_score

logger = logging.getLogger(__name__)
MONITORING_OCCASIONS = {Occasion.FOLLOW_UP, Occasion.ENDLINE}


def form_for(version: InstrumentVersion) -> FormModel:
    """The form model of a version (kept on the instance for the request)."""
    cached = getattr(version, "_form_model", None)
    if cached is None:
        cached = version._form_model = FormModel.from_definition(version.definition)
    return cached


# --- Versions ----------------------------------------------------------------------------------


def _require_administrator(actor: User | None) -> None:
    if actor is not None and not access_for(actor).administer:
        raise PermissionDenied(_("Only an administrator may change instruments."))


def _checked_form(instrument: Instrument, source: bytes, source_format: str):
    try:
        parsed = parse_source(source, source_format)
        form = FormModel.from_definition(parsed.definition)
        check_expressions(form, parsed.survey_rows)
    except XLSFormError as exc:
        raise ValidationError({"source": exc.describe()}) from exc
    if parsed.form_id != instrument.code:
        raise ValidationError(
            {
                "source": _("The form_id in the settings sheet is “%(form_id)s”; this instrument's code is “%(code)s”.")
                % {"form_id": parsed.form_id, "code": instrument.code}
            }
        )
    return parsed, form


def _rules_for(instrument: Instrument, form: FormModel, flags_text: str | bytes | None) -> list[dict]:
    """Rules from the uploaded file, or the current version's rules when they still fit the new form."""
    if flags_text:
        try:
            return flag_rules.parse_flag_rules(flags_text, form)[0]
        except flag_rules.FlagRulesError as exc:
            raise ValidationError({"flags": str(exc)}) from exc
    current = instrument.versions.filter(is_current=True).first()
    if current is None or not current.flag_rules:
        return []
    try:
        return flag_rules.check_rules(current.flag_rules, form)
    except flag_rules.FlagRulesError as exc:
        message = _("The current flag rules do not fit the new form (%(error)s); upload flag rules with it.")
        raise ValidationError({"flags": message % {"error": exc}}) from exc


@transaction.atomic
def version_create(
    *,
    actor: User | None,
    instrument: Instrument,
    source: bytes,
    source_format: str,
    flags_text: str | bytes | None = None,
    note: str = "",
    make_current: bool = True,
) -> InstrumentVersion:
    """Add a version of an instrument from an XLSForm; it is parsed, checked and (by default) made current."""
    _require_administrator(actor)
    if len(source) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"source": _("The file is too large.")})
    parsed, form = _checked_form(instrument, source, source_format)
    if instrument.versions.filter(version=parsed.version).exists():
        raise ValidationError(
            {
                "source": _(
                    "Version %(version)s of this instrument exists already; "
                    "give the new form another version in its settings sheet."
                )
                % {"version": parsed.version}
            }
        )
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        version=parsed.version,
        source=bytes(source),
        source_format=source_format,
        definition=parsed.definition,
        xform=parsed.xform,
        flag_rules=_rules_for(instrument, form, flags_text),
        note=note,
        created_by=actor,
    )
    if actor is not None:  # shipped definitions loaded at migrate time are recorded by the version row itself
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.INSTRUMENT_VERSION_UPLOADED,
            subject=version,
            changes={"instrument": instrument.code, "version": version.version, "flags": len(version.flag_rules)},
        )
    if make_current:
        version_set_current(actor=actor, version=version)
    return version


@transaction.atomic
def version_set_current(*, actor: User | None, version: InstrumentVersion) -> InstrumentVersion:
    """New assessments use the current version; responses keep the version they were made with."""
    _require_administrator(actor)
    previous = version.instrument.versions.filter(is_current=True).exclude(pk=version.pk).first()
    InstrumentVersion.objects.filter(instrument=version.instrument, is_current=True).update(is_current=False)
    InstrumentVersion.objects.filter(pk=version.pk).update(is_current=True)
    version.is_current = True
    if actor is not None:
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.INSTRUMENT_CURRENT_SET,
            subject=version,
            changes={
                "instrument": version.instrument.code,
                "version": [previous.version if previous else None, version.version],
            },
        )
    return version


def load_shipped(shipped: Shipped) -> tuple[InstrumentVersion | None, bool]:
    """Create or refresh the instrument, and add its definition as a new current version if its version is new."""
    instrument, _created = Instrument.objects.update_or_create(
        code=shipped.code,
        defaults={
            "kind": shipped.kind,
            "title_en": shipped.title_en,
            "title_fr": shipped.title_fr,
            "sensitive": shipped.sensitive,
            "ordering": shipped.ordering,
        },
    )
    if not shipped.source_path.exists():
        return None, False
    source = shipped.source_path.read_bytes()
    version_name = parse_source(source, "md").version
    existing = instrument.versions.filter(version=version_name).first()
    if existing is not None:
        return existing, False
    flags_text = shipped.flags_path.read_bytes() if shipped.flags_path.exists() else None
    version = version_create(
        actor=None,
        instrument=instrument,
        source=source,
        source_format=InstrumentVersion.SourceFormat.MARKDOWN,
        flags_text=flags_text,
        note=_("Shipped with Reintegra."),
    )
    return version, True


# --- Responses ---------------------------------------------------------------------------------


def _require_casework(actor: User, case: Case) -> None:
    if not access_for(actor).may_work_on(case.office_id):
        raise PermissionDenied(_("You may not record assessments for cases of this office."))


def _check_response_meta(case: Case, occasion: str, occasion_number: int, interview_date: date, mode: str) -> None:
    errors = {}
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed; reopen it first."))
    if not consent_given(case, ConsentPurpose.PROCESSING):
        raise ValidationError(_("Consent to processing for case management must be given before an assessment."))
    if occasion in MONITORING_OCCASIONS and not consent_given(case, ConsentPurpose.MONITORING):
        errors["occasion"] = _("The returnee has not consented to monitoring; follow-up and end-line surveys need it.")
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose an occasion.")
    elif (occasion == Occasion.FOLLOW_UP and occasion_number < 1) or occasion_number < 0:
        errors["occasion_number"] = _("Give the follow-up number (1 for the first follow-up).")
    if mode not in InterviewMode.values:
        errors["mode"] = _("Choose how the interview took place.")
    if interview_date > timezone.localdate():
        errors["interview_date"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def response_start(
    *,
    actor: User,
    case: Case,
    version: InstrumentVersion,
    occasion: str,
    interview_date: date,
    mode: str = InterviewMode.IN_PERSON,
    occasion_number: int = 0,
    interviewer: User | None = None,
    interviewer_name: str = "",
    source: str = Response.Source.WEB,
    external_id: str = "",
) -> Response:
    """Open a draft response for a case (answers come with response_save)."""
    _require_casework(actor, case)
    _check_response_meta(case, occasion, occasion_number, interview_date, mode)
    if external_id and Response.objects.filter(instrument_version=version, external_id=external_id).exists():
        raise ValidationError({"external_id": _("A response with this external id was already recorded.")})
    response = Response.objects.create(
        case=case,
        instrument_version=version,
        occasion=occasion,
        occasion_number=occasion_number if occasion == Occasion.FOLLOW_UP else 0,
        interview_date=interview_date,
        mode=mode,
        interviewer=interviewer or (actor if not interviewer_name else None),
        interviewer_name=interviewer_name.strip(),
        source=source,
        external_id=external_id,
        created_by=actor,
    )
    _audit(actor, response, AuditEvent.Type.RESPONSE_SAVED, {"started": True})
    return response


def _audit(actor: User, response: Response, event_type: str, extra: dict | None = None) -> None:
    version = response.instrument_version
    audit_record(
        actor=actor,
        event_type=event_type,
        subject=response,
        office=response.case.office,
        case=response.case,
        changes={
            "instrument": version.instrument.code,
            "version": version.version,
            "occasion": response.occasion,
            "answered": len(response.answers),
            **(extra or {}),
        },
    )


@transaction.atomic
def response_save(*, actor: User, response: Response, answers: dict, submit: bool = False) -> Response:
    """Save a draft (types checked, required left for later) or submit (everything checked, flags raised).

    Validation errors are raised as a ValidationError keyed by question name (repeat.index.name inside repeats).
    """
    _require_casework(actor, response.case)
    response = (
        Response.objects.select_for_update()
        .select_related("case__office", "instrument_version__instrument")
        .get(pk=response.pk)
    )
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(_("This assessment was submitted; it can no longer be changed."))
    if submit and response.case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed; reopen it first."))
    clean, errors = validate_answers(form_for(response.instrument_version), answers, partial=not submit)
    if errors:
        raise ValidationError(errors)
    response.answers = clean
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
    response.save()
    if submit:
        raised = _raise_flags(actor, response)
        response_score(response=response)  # instruments with a default scoring profile (the RSS) are scored now
        _audit(actor, response, AuditEvent.Type.RESPONSE_SUBMITTED, {"flags": [f.code for f in raised]})
    else:
        _audit(actor, response, AuditEvent.Type.RESPONSE_SAVED)
    return response


def response_record(
    *, actor: User, case: Case, version: InstrumentVersion, answers: dict, submit: bool = True, **meta
) -> Response:
    """Start and save in one go (API, imports); nothing is kept when the answers are refused."""
    with transaction.atomic():
        response = response_start(actor=actor, case=case, version=version, **meta)
        return response_save(actor=actor, response=response, answers=answers, submit=submit)


def _task_language(actor: User) -> str:
    return (getattr(actor, "language", "") or get_language() or "en")[:2]


def _raise_flags(actor: User, response: Response) -> list[Flag]:
    version = response.instrument_version
    raised = flag_rules.raised_flags(form_for(version), version.flag_rules, response.answers)
    created = []
    language = _task_language(actor)
    for item in raised:
        flag = Flag.objects.create(
            case=response.case,
            response=response,
            code=item.code,
            label_en=item.label["en"][:200],
            label_fr=item.label["fr"][:200],
            suggestion_en=item.suggestion["en"][:300],
            suggestion_fr=item.suggestion["fr"][:300],
        )
        created.append(flag)
        for task in item.tasks:
            _flag_task(actor, response, task, language)
    return created


def _flag_task(actor: User, response: Response, task: dict, language: str) -> None:
    title = (task["title"]["fr"] if language == "fr" else task["title"]["en"])[:200]
    case = response.case
    if case.tasks.filter(title=title, kind=Task.Kind.ASSESSMENT, status=Task.Status.OPEN).exists():
        return  # already asked for, e.g. by an earlier screening
    due = timezone.localdate() + timedelta(days=task["due_days"])
    task_create(actor=actor, case=case, title=title, due_date=due, kind=Task.Kind.ASSESSMENT)


@transaction.atomic
def flag_decide(*, actor: User, flag: Flag, status: str, reason: str = "") -> Flag:
    """The case manager confirms a suggested flag (it goes into the plan) or dismisses it with a reason."""
    _require_casework(actor, flag.case)
    if status not in (Flag.Status.CONFIRMED, Flag.Status.DISMISSED):
        raise ValidationError({"status": _("Choose confirm or dismiss.")})
    if status == Flag.Status.DISMISSED and not reason.strip():
        raise ValidationError({"reason": _("Say why the flag is dismissed.")})
    old = flag.status
    flag.status = status
    flag.reason = reason.strip()
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    flag.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.FLAG_DECIDED,
        subject=flag,
        office=flag.case.office,
        case=flag.case,
        changes={"flag": flag.code, "status": [old, status], **({"reason": flag.reason} if flag.reason else {})},
    )
    return flag
