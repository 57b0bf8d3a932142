"""Loading profiles, scoring responses, re-scoring into new rows; each write audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.scoring import selectors, services
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.tests.factories import provisional_text, rss_response, rss_version

pytestmark = pytest.mark.django_db

GOOD = {"e1_economic_satisfaction": "very_satisfied", "s1_access_housing": "good", "p2_support_network": "poor"}


def second_version(text: str | None = None) -> str:
    text = text or provisional_text()
    return text.replace('version: "2026.1"', 'version: "2026.2"').replace("provisional: true", "provisional: false")


def test_migrate_installed_the_provisional_profile_as_default():
    profile = selectors.default_profile("rss")
    assert (profile.code, profile.version, profile.provisional) == ("rss-provisional", "2026.1", True)
    assert services.provisional_profile_install() == profile  # idempotent


def test_me_officer_loads_a_profile_checked_against_the_form_and_audited(cast):
    rss_version()
    profile = services.profile_load(actor=cast.me_hq, source_text=second_version())
    assert not profile.is_default and profile.created_by == cast.me_hq
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.PROFILE_LOADED, subject_id=str(profile.pk))
    assert event.actor == cast.me_hq and event.changes["profile"] == "rss-provisional v2026.2"


def test_a_profile_naming_a_question_the_form_lacks_is_refused(cast):
    rss_version()
    text = second_version().replace("question: e8_looking_for_work", "question: e8_looking_for_job")
    with pytest.raises(ValidationError) as caught:
        services.profile_load(actor=cast.me_hq, source_text=text)
    assert caught.value.messages == [
        "items (e8_looking_for_job): the instrument version has no question with this name."
    ]


def test_same_code_and_version_with_other_content_is_refused(cast):
    changed = provisional_text().replace("min_answered: 1", "min_answered: 2")
    with pytest.raises(ValidationError, match="already loaded with different content"):
        services.profile_load(actor=cast.admin, source_text=changed)


def test_case_managers_may_not_load_profiles(cast):
    with pytest.raises(PermissionDenied):
        services.profile_load(actor=cast.cm_dakar, source_text=second_version())


def test_setting_the_default_moves_it_and_is_audited(cast):
    old = selectors.default_profile("rss")
    new = services.profile_load(actor=cast.me_hq, source_text=second_version(), make_default=True)
    old.refresh_from_db()
    assert new.is_default and not old.is_default
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.PROFILE_DEFAULT_SET, subject_id=str(new.pk)).exists()


def test_a_draft_profile_cannot_be_the_default(cast):
    draft = services.profile_load(
        actor=cast.me_hq, source_text=second_version().replace("status: active", "status: draft")
    )
    with pytest.raises(ValidationError, match="Only an active profile"):
        services.profile_set_default(actor=cast.me_hq, profile=draft)


def test_response_score_scores_a_submitted_response_once(cast):
    case = cast.case(cast.dakar)
    response = rss_response(case, cast.sup_dakar, GOOD)
    score = services.response_score(response=response)
    # economic: e1 very_satisfied = 1; social: s1 good = .75; psychosocial: p2 poor = .25
    # composite = (1 + .75 + .25) / 3 = 2 / 3
    assert (score.economic, score.social, score.psychosocial) == (1, 0.75, 0.25)
    assert score.composite == pytest.approx(2 / 3)
    assert score.missing_count == 27 and score.case == case
    assert score.profile == selectors.default_profile("rss")
    assert services.response_score(response=response) == score
    assert Score.objects.count() == 1


def test_drafts_are_not_scored(cast):
    response = rss_response(cast.case(cast.dakar), cast.sup_dakar, GOOD, submitted=False)
    assert services.response_score(response=response) is None


def test_rescoring_adds_rows_and_keeps_the_old_ones(cast, monkeypatch):
    monkeypatch.setattr(services, "RESCORE_CHUNK", 2)
    case = cast.case(cast.dakar)
    responses = [rss_response(case, cast.sup_dakar, GOOD, day=f"2026-02-0{i}") for i in range(1, 6)]
    rss_response(case, cast.sup_dakar, GOOD, submitted=False)
    old = services.response_score(response=responses[0])
    new = services.profile_load(actor=cast.me_hq, source_text=second_version())
    first = services.profile_rescore(actor=cast.me_hq, profile=new, limit=3)
    assert (first.created, first.remaining) == (3, 2)
    rest = services.profile_rescore(actor=cast.me_hq, profile=new)
    assert rest.created == 2
    assert Score.objects.filter(profile=new).count() == 5  # drafts are not scored
    assert Score.objects.get(pk=old.pk).profile != new  # the old row is untouched
    assert services.profile_rescore(actor=cast.me_hq, profile=new).created == 0
    rescored = Score.objects.get(profile=new, response=responses[0])
    assert (rescored.economic, rescored.composite) == (old.economic, pytest.approx(old.composite))
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.SCORES_COMPUTED).count() == 3  # one per chunk


def test_scores_for_follows_the_case_scope(cast):
    dakar, bamako = cast.case(cast.dakar), cast.case(cast.bamako, given="Awa")
    for case in (dakar, bamako):
        services.response_score(response=rss_response(case, cast.sup_dakar, GOOD))
    assert {s.case for s in selectors.scores_for(cast.sup_dakar)} == {dakar}
    assert {s.case for s in selectors.scores_for(cast.me_hq)} == {dakar, bamako}
    assert not selectors.scores_for(cast.partner_dakar).exists()


def test_latest_scores_by_occasion_puts_baseline_first_and_keeps_the_latest(cast):
    case = cast.case(cast.dakar)
    follow_up = rss_response(case, cast.sup_dakar, GOOD, occasion="follow_up", number=1, day="2026-08-01")
    first_baseline = rss_response(case, cast.sup_dakar, {}, day="2026-02-01")
    second_baseline = rss_response(case, cast.sup_dakar, GOOD, day="2026-02-03")
    for response in (follow_up, first_baseline, second_baseline):
        services.response_score(response=response)
    scores = selectors.latest_scores_by_occasion(case)
    assert [s.response for s in scores] == [second_baseline, follow_up]
    assert ScoringProfile.objects.count() == 1
