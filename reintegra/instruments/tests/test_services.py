"""Responses, flags and versions through the services: audit, tasks from flags, consent, versioning."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Task
from reintegra.instruments import services
from reintegra.instruments.models import Flag, Instrument, Occasion, Response
from reintegra.instruments.tests.conftest import GOOD_ANSWERS, give_monitoring_consent, household_source

pytestmark = pytest.mark.django_db


def start(cast, case, version, **kwargs):
    defaults = {"occasion": Occasion.BASELINE, "interview_date": date(2026, 2, 1)}
    return services.response_start(actor=cast.cm_dakar, case=case, version=version, **{**defaults, **kwargs})


def test_submitting_raises_flags_and_the_flags_create_assessment_tasks(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_save(
        actor=cast.cm_dakar, response=start(cast, case, household), answers=GOOD_ANSWERS, submit=True
    )
    assert response.status == Response.Status.SUBMITTED and response.submitted_at
    assert sorted(Flag.objects.filter(response=response).values_list("code", flat=True)) == [
        "many_needs",
        "support_requested",
    ]
    task = Task.objects.get(case=case, kind=Task.Kind.ASSESSMENT)
    assert task.title == "Run the vulnerability assessment" and task.assignee == cast.cm_dakar
    events = AuditEvent.objects.filter(case=case).values_list("event_type", flat=True)
    assert AuditEvent.Type.RESPONSE_SUBMITTED in events and AuditEvent.Type.RESPONSE_SAVED in events


def test_a_second_positive_screen_does_not_duplicate_the_open_task(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    for _ in range(2):
        services.response_save(
            actor=cast.cm_dakar, response=start(cast, case, household), answers=GOOD_ANSWERS, submit=True
        )
    assert Task.objects.filter(case=case, kind=Task.Kind.ASSESSMENT).count() == 1


def test_a_draft_raises_no_flag_and_can_be_resumed(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_save(
        actor=cast.cm_dakar, response=start(cast, case, household), answers={"wants_support": "yes"}
    )
    assert response.status == Response.Status.DRAFT and not Flag.objects.filter(response=response).exists()
    response = services.response_save(actor=cast.cm_dakar, response=response, answers=GOOD_ANSWERS, submit=True)
    assert Flag.objects.filter(response=response).count() == 2


def test_a_submitted_response_cannot_be_changed(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=household,
        answers=GOOD_ANSWERS,
        occasion="baseline",
        interview_date=date(2026, 2, 1),
    )
    with pytest.raises(ValidationError):
        services.response_save(actor=cast.cm_dakar, response=response, answers=GOOD_ANSWERS)


def test_an_assessment_needs_consent_to_processing(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar, consent=False)
    with pytest.raises(ValidationError, match="Consent to processing"):
        start(cast, case, household)


def test_a_follow_up_needs_consent_to_monitoring_and_a_number(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    with pytest.raises(ValidationError) as caught:
        start(cast, case, household, occasion=Occasion.FOLLOW_UP, occasion_number=1)
    assert "occasion" in caught.value.message_dict
    give_monitoring_consent(case, cast.sup_dakar)
    with pytest.raises(ValidationError) as caught:
        start(cast, case, household, occasion=Occasion.FOLLOW_UP)
    assert "occasion_number" in caught.value.message_dict
    assert start(cast, case, household, occasion=Occasion.FOLLOW_UP, occasion_number=1).occasion_number == 1


@pytest.mark.parametrize("who", ["cm_bamako", "me_hq", "admin", "partner_dakar"])
def test_only_casework_in_the_office_may_record_assessments(cast, household, who):
    case = cast.case(cast.dakar)
    with pytest.raises(PermissionDenied):
        services.response_start(
            actor=getattr(cast, who), case=case, version=household, occasion="baseline", interview_date=date(2026, 2, 1)
        )


def test_dismissing_a_flag_needs_a_reason_and_is_audited(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=household,
        answers=GOOD_ANSWERS,
        occasion="baseline",
        interview_date=date(2026, 2, 1),
    )
    flag = Flag.objects.get(response=response, code="support_requested")
    with pytest.raises(ValidationError):
        services.flag_decide(actor=cast.cm_dakar, flag=flag, status=Flag.Status.DISMISSED)
    services.flag_decide(actor=cast.cm_dakar, flag=flag, status=Flag.Status.DISMISSED, reason="Already followed")
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED and flag.decided_by == cast.cm_dakar
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.FLAG_DECIDED, case=case).exists()


def test_an_old_response_keeps_its_version_and_the_new_version_becomes_current(cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    old = start(cast, case, household)
    new = services.version_create(
        actor=cast.admin,
        instrument=household.instrument,
        source=household_source("household", "2026.2"),
        source_format="md",
    )
    household.refresh_from_db()
    old.refresh_from_db()
    assert new.is_current and not household.is_current and old.instrument_version == household
    assert [r["code"] for r in new.flag_rules] == [r["code"] for r in household.flag_rules]  # carried over


def test_uploading_the_same_version_twice_or_the_wrong_form_is_refused(cast, household):
    with pytest.raises(ValidationError, match="exists already"):
        services.version_create(
            actor=cast.admin, instrument=household.instrument, source=household_source(), source_format="md"
        )
    other = Instrument.objects.create(code="other", kind="other", title_en="O", title_fr="O")
    with pytest.raises(ValidationError, match="form_id"):
        services.version_create(actor=cast.admin, instrument=other, source=household_source(), source_format="md")


def test_only_an_administrator_uploads_versions(cast, household):
    with pytest.raises(PermissionDenied):
        services.version_create(
            actor=cast.me_hq,
            instrument=household.instrument,
            source=household_source("household", "2026.9"),
            source_format="md",
        )


def test_the_shipped_instruments_are_loaded_after_migrate_and_reloading_is_idempotent():
    from reintegra.instruments.loading import load_all

    rss = Instrument.objects.get(code="rss")
    assert rss.versions.filter(is_current=True).count() == 1
    results = load_all(["rss"])
    assert results[0].error == "" and not results[0].created
    assert rss.versions.count() == 1


def test_the_rss_flags_high_distress_from_the_shipped_rules(cast):
    version = Instrument.objects.get(code="rss").versions.get(is_current=True)
    form = services.form_for(version)
    answers = {q.name: (q.choices[0].name) for q in form.top_level() if q.type == "select_one"}
    answers.update({f"p7_{s}": "often" for s in ("anger", "sadness", "fear", "stress")})
    answers.update({"p8_wants_psych_support": "yes", "p4_feels_safe": "very_unsafe"})
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=version,
        answers=answers,
        occasion="baseline",
        interview_date=date(2026, 2, 1),
    )
    codes = set(Flag.objects.filter(response=response).values_list("code", flat=True))
    assert {"high_distress", "psych_support_requested", "safety_concern"} <= codes
    assert Task.objects.filter(case=case, kind=Task.Kind.ASSESSMENT).exists()
    assert response.scores.count() == 1  # scored with the default profile on submission
