"""What seed_demo creates: users and roles, offices, realistic cases, assessments with scores and
flags, the service directory, plans with their delivery and referrals. One database is seeded for
the whole module (the seed takes a few seconds) and rolled back at the end; the stories only read it.
"""

import io
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from reintegra.accounts.models import Membership, Office, Programme, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.cases import selectors
from reintegra.cases.models import Case, CaseNote, Consent, ConsentStatus, Person, Stage, Task
from reintegra.directory.models import Agreement, Organisation, PartnerProfile, Service
from reintegra.instruments.models import Flag, Occasion, Response
from reintegra.plans import selectors as plans
from reintegra.plans.demo import tiny_pdf
from reintegra.plans.models import Activity, Delivery, Disbursement, ExchangeRate, Modality, Plan, PlanDelayException
from reintegra.referrals.models import Referral
from reintegra.referrals.models import Status as ReferralStatus
from reintegra.referrals.selectors import partner_referrals
from reintegra.scoring.models import Score

pytestmark = pytest.mark.django_db

SMALL = 40


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo with SMALL returnees, seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", returnees=SMALL, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def user(username: str) -> User:
    return User.objects.get(username=username)


def roles_of(username: str) -> set[tuple[str, str]]:
    return set(Membership.objects.filter(user__username=username).values_list("office__code", "role"))


def rss_responses():
    return Response.objects.filter(instrument_version__instrument__code="rss", status=Response.Status.SUBMITTED)


def test_it_creates_each_demo_user_with_the_demo_password_and_role(seeded):
    assert roles_of("admin") == {("DKR", Role.ADMINISTRATOR), ("BKO", Role.ADMINISTRATOR)}
    assert roles_of("cm.dakar") == {("DKR", Role.CASE_MANAGER)}
    assert roles_of("cm.tamba") == {("TBA", Role.CASE_MANAGER)}
    assert roles_of("cm.bamako") == {("BKO", Role.CASE_MANAGER)}
    assert roles_of("sup.dakar") == {("DKR", Role.SUPERVISOR)}
    assert roles_of("pm.dakar") == {("DKR", Role.PROGRAMME_MANAGER)}
    assert roles_of("me.hq") == {("DKR", Role.ME_OFFICER), ("BKO", Role.ME_OFFICER)}
    assert roles_of("partner.dakar") == {("DKR", Role.PARTNER)}
    assert roles_of("cp.dakar") == {("DKR", Role.CHILD_PROTECTION)}
    assert user("partner.dakar").organisation == "ONG Jappo Liggeey"
    assert all(u.check_password(settings.DEMO_PASSWORD) for u in User.objects.all())


def test_it_builds_the_office_tree_and_programmes(seeded):
    tamba = Office.objects.get(code="TBA")
    assert tamba.parent.code == "DKR" and tamba.country == "SN" and tamba.language == "fr"
    assert Office.objects.get(code="BKO").country == "ML"
    assert set(Programme.objects.values_list("currency", flat=True)) == {"XOF"}
    assert not Case.objects.filter(programme__isnull=True).exists()


def test_it_covers_every_stage_with_notes_tasks_and_consents(seeded):
    assert Case.objects.count() == SMALL
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Case.objects.filter(stage=Stage.CLOSED).exclude(closure_reason="").exists()
    assert Case.objects.filter(assigned_to__isnull=True).exists()
    assert Person.objects.filter(relationship="child").exists()
    assert CaseNote.objects.exists()
    assert Task.objects.filter(status=Task.Status.OPEN, due_date__lt=date.today()).exists()
    assert Consent.objects.filter(status=ConsentStatus.GIVEN).exists()


def test_every_case_has_its_audit_trail(seeded):
    opened = AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_OPENED)
    assert opened.count() == Case.objects.count()
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_CLOSED).exists()


def test_registering_mamadu_dialo_born_1994_warns_about_mamadou_diallo(seeded):
    candidates = selectors.duplicate_candidates(
        user("cm.dakar"), given_names="Mamadu", family_name="Dialo", birth_date=date(1994, 1, 1)
    )
    assert [(c.person.full_name, c.person.birth_date) for c in candidates][:1] == [
        ("Mamadou Diallo", date(1994, 3, 12))
    ]


def test_the_bamako_case_manager_sees_no_senegal_case(seeded):
    assert not selectors.cases_for(user("cm.bamako")).exclude(office__code="BKO").exists()
    assert selectors.cases_for(user("cm.bamako")).exists()
    assert set(selectors.cases_for(user("me.hq")).values_list("office__code", flat=True)) == {"DKR", "TBA", "BKO"}
    assert not selectors.cases_for(user("admin")).exists()


def test_rss_baselines_and_follow_ups_are_scored_with_the_default_profile(seeded):
    baselines = rss_responses().filter(occasion=Occasion.BASELINE)
    follow_ups = rss_responses().filter(occasion=Occasion.FOLLOW_UP)
    assert baselines.count() >= SMALL // 3 and follow_ups.exists()
    for response in [*baselines, *follow_ups]:
        score = Score.objects.get(response=response)
        assert score.profile.is_default and score.profile.provisional
        assert score.composite is not None and 0 <= score.composite <= 1
    assert not follow_ups.filter(case__stage__in=[Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING]).exists()
    assert len(set(Score.objects.values_list("composite", flat=True))) > 5  # varied answers


def test_screenings_raise_flags_that_add_assessment_tasks(seeded):
    screenings = Response.objects.filter(instrument_version__instrument__code="rapid_screening")
    assert screenings.count() >= SMALL // 2
    assert Flag.objects.filter(response__in=screenings).exists()
    assert Task.objects.filter(kind=Task.Kind.ASSESSMENT).exists()
    assert not Response.objects.filter(case__stage=Stage.INTAKE).exists()


def test_skills_assessments_and_first_counselling_sessions_exist(seeded):
    codes = set(Response.objects.values_list("instrument_version__instrument__code", flat=True))
    assert {"skills", "counselling_intake", "rapid_screening", "rss"} <= codes


def test_the_story_case_has_a_baseline_wishing_support_and_a_follow_up_six_months_later(seeded):
    case = Case.objects.get(person__given_names="Aminata", person__family_name="Sow")
    assert case.assigned_to == user("cm.dakar") and case.office.code == "DKR"
    baseline = rss_responses().get(case=case, occasion=Occasion.BASELINE)
    follow_up = rss_responses().get(case=case, occasion=Occasion.FOLLOW_UP, occasion_number=1)
    assert baseline.flags.filter(code="psych_support_requested", status=Flag.Status.SUGGESTED).exists()
    assert 175 <= (follow_up.interview_date - baseline.interview_date).days <= 190
    assert Score.objects.get(response=follow_up).composite > Score.objects.get(response=baseline).composite
    assert selectors.case_for(user("cm.dakar"), case.number) == case


def test_the_directory_lists_providers_with_tagged_services_and_coverage(seeded):
    assert 10 <= Organisation.objects.count() <= 15
    assert set(Organisation.objects.values_list("country", flat=True)) == {"SN", "ML"}
    assert not Service.objects.filter(categories__isnull=True).exists()
    assert not Service.objects.filter(areas__isnull=True).exists()
    codes = set(Service.objects.values_list("categories__code", flat=True))
    assert {"job_placement", "tvet", "financial_services", "mhpss", "health", "legal_documentation", "housing"} <= codes


def test_agreements_cover_expiring_expired_and_in_force(seeded):
    statuses = {(a.kind, a.status()) for a in Agreement.objects.all()}
    assert (Agreement.Kind.MOU, Agreement.Status.EXPIRING) in statuses
    assert any(status == Agreement.Status.EXPIRED for _kind, status in statuses)
    assert (Agreement.Kind.LTA, Agreement.Status.CURRENT) in statuses
    expiring = next(a for a in Agreement.objects.all() if a.status() == Agreement.Status.EXPIRING)
    assert expiring.end_date - date.today() <= timedelta(days=60)


def test_partner_dakar_works_for_ong_jappo_liggeey_and_its_services(seeded):
    profile = PartnerProfile.objects.get(user=user("partner.dakar"))
    assert profile.organisation.name == "ONG Jappo Liggeey"
    assert profile.organisation.services.count() >= 2
    assert profile.organisation.office.code == "DKR"


# ------------------------------------------------------------------ plans and delivery


def aminata() -> Case:
    return Case.objects.get(person__given_names="Aminata", person__family_name="Sow")


def test_exchange_rates_are_entered_by_the_programme_manager_for_senegal(seeded):
    rates = ExchangeRate.objects.filter(programme__code="sn-reintegration-2026")
    assert rates.get(currency="EUR").rate == Decimal("655.957")
    assert {r.entered_by.username for r in rates} == {"pm.dakar"}
    assert rates.filter(currency="USD").count() == 2  # a later rate replaces, never edits, the first
    assert ExchangeRate.objects.filter(programme__code="ml-reintegration-2026", currency="EUR").exists()


def test_plans_exist_at_each_status_with_a_revision(seeded):
    assert set(Plan.objects.values_list("status", flat=True)) == set(Plan.Status.values)
    revision = Plan.objects.filter(version=2).select_related("previous").first()
    assert revision.revision_reason and revision.previous.status == Plan.Status.SUPERSEDED
    assert revision.previous.activities.exists() and revision.activities.exists()
    assert Plan.objects.filter(status=Plan.Status.AGREED, agreement_method="signed").exists()
    assert Plan.objects.filter(status=Plan.Status.AGREED, agreement_method="verbal_witnessed").exists()
    stages = set(Plan.objects.values_list("case__stage", flat=True))
    assert stages == {Stage.PLANNING, Stage.IMPLEMENTATION, Stage.MONITORING}


def test_activities_cover_each_modality_delivery_and_status(seeded):
    assert set(Activity.objects.values_list("modality", flat=True)) == set(Modality.values)
    assert set(Activity.objects.values_list("delivery", flat=True)) == set(Delivery.values)
    assert set(Activity.objects.values_list("status", flat=True)) == set(Activity.Status.values)
    assert len(set(Activity.objects.values_list("dimension", flat=True))) >= 3
    assert not Activity.objects.filter(delivery=Delivery.REFERRAL, provider_service__isnull=True).exists()
    assert {"XOF", "EUR"} <= set(Disbursement.objects.values_list("currency", flat=True))


def test_every_plan_write_has_its_audit_event(seeded):
    events = AuditEvent.objects.filter(subject_type__startswith="plans.")
    assert events.filter(event_type=AuditEvent.Type.PLAN_CREATED).count() == Plan.objects.filter(version=1).count()
    assert events.filter(event_type=AuditEvent.Type.DISBURSEMENT_RECORDED).count() == Disbursement.objects.count()
    assert events.filter(event_type=AuditEvent.Type.EXCHANGE_RATE_ENTERED).count() == ExchangeRate.objects.count()


def test_aminatas_plan_is_over_the_cap_approved_by_the_supervisor_and_signed(seeded):
    plan = plans.current_plan(aminata())
    assert plan.status == Plan.Status.AGREED and plan.agreement_document.name.endswith(".pdf")
    assert plan.approval_required and plan.approved_by == user("sup.dakar") and plan.submitted_by == user("cm.dakar")
    assert plan.submitted_total > aminata().programme.per_returnee_cap
    assert plan.goals and plan.target_psychosocial is not None


def test_aminatas_plan_has_the_business_the_course_and_the_counselling(seeded):
    activities = {a.type.code: a for a in plans.plan_activities(plans.current_plan(aminata()))}
    business = activities["micro_business"]
    assert (business.modality, business.estimated_cost, business.currency) == (Modality.IN_KIND, 900, "EUR")
    assert business.delivery == Delivery.DIRECT
    course, counselling = activities["vocational_training"], activities["psychosocial_individual"]
    assert course.delivery == counselling.delivery == Delivery.REFERRAL
    assert course.provider_service.organisation.name == counselling.provider_service.organisation.name
    assert course.provider_service.organisation.name == "ONG Jappo Liggeey"
    assert course.provider_service.categories.filter(code="tvet").exists()
    assert counselling.provider_service.categories.filter(code="mhpss").exists()
    statuses = set(Referral.objects.filter(activity__in=[course, counselling]).values_list("status", flat=True))
    assert statuses == {ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED}


def test_aminatas_purchases_have_handover_certificates_and_confirmations(seeded):
    plan = plans.current_plan(aminata())
    purchases = list(Disbursement.objects.filter(activity__plan=plan, activity__type__code="micro_business"))
    assert {p.currency for p in purchases} == {"EUR", "XOF"}
    for purchase in purchases:
        with purchase.certificate.open("rb") as certificate:
            assert certificate.read(5) == b"%PDF-"
    assert {p.returnee_confirmed for p in purchases} == {True, False}  # the last one awaits her confirmation


def test_what_remains_of_aminatas_budget_is_computed(seeded):
    case = aminata()
    plan = plans.current_plan(case)
    budget = plans.case_budget(case, plan, plans.plan_activities(plan))
    assert not budget.errors and budget.planned == plan.submitted_total
    assert budget.remaining == budget.cap - budget.planned < 0 and budget.over_cap
    assert 0 < budget.spent < budget.planned and budget.left_to_spend == budget.planned - budget.spent
    assert budget.spent_by_lineage  # per activity, for the Plan tab


def test_a_second_case_of_cm_dakar_awaits_the_supervisors_approval(seeded):
    awaiting = plans.plans_awaiting_approval(user("sup.dakar"))
    assert any(p.case.assigned_to == user("cm.dakar") and p.case.stage == Stage.PLANNING for p in awaiting)
    assert not plans.plans_awaiting_approval(user("cm.dakar")).exists()


def test_late_plans_are_listed_and_the_delay_exception_takes_its_case_off(seeded):
    late = plans.late_plans(user("sup.dakar"))
    assert late.exists()
    exception = PlanDelayException.objects.get()
    assert exception.until >= date.today() and not late.filter(pk=exception.case_id).exists()


def test_partner_dakar_sees_aminatas_referrals_and_only_its_organisations(seeded):
    visible = partner_referrals(user("partner.dakar"))
    assert visible.filter(case=aminata()).count() == 2
    assert set(visible.values_list("organisation__name", flat=True)) == {"ONG Jappo Liggeey"}
    assert Referral.objects.exclude(organisation__name="ONG Jappo Liggeey").exists()  # sent elsewhere, not shown


def test_the_demo_certificate_is_a_valid_pdf():
    content = tiny_pdf("Certificat de remise", "Montant : 145 000 XOF (tissus)")
    assert content.startswith(b"%PDF-1.4") and content.endswith(b"%%EOF\n")
    start = int(re.search(rb"startxref\n(\d+)", content).group(1))
    assert content[start:].startswith(b"xref")
    offsets = [int(x) for x in re.findall(rb"(\d{10}) 00000 n", content)]
    assert [content[o:].split(b" ", 1)[0] for o in offsets] == [b"1", b"2", b"3", b"4", b"5"]
    length = int(re.search(rb"/Length (\d+)", content).group(1))
    stream = content.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length and b"\\(tissus\\)" in stream


def test_the_senegal_programme_has_follow_up_rules_a_framework_and_a_sample(seeded):
    from reintegra.monitoring.models import MonitoringRule, Outcome, ResultsFramework, Sample, Snapshot

    programme = Programme.objects.get(offices__code="DKR")
    assert MonitoringRule.objects.filter(programme=programme).count() == 4
    framework = ResultsFramework.objects.get(programme=programme)
    assert framework.results.exists()
    assert Snapshot.objects.filter(framework=framework).exists()
    sample = Sample.objects.get(programme=programme)
    assert sample.seed is not None and sample.members.exists()
    assert sample.members.exclude(outcome=Outcome.PENDING).exists()


def test_a_dakar_child_has_an_assessment_a_plan_and_a_determination_deciding_return(seeded):
    from reintegra.children.models import Solution, Status, Step
    from reintegra.children.selectors import bip_case, current_determination, current_procedure

    procedure = current_procedure(Case.objects.get(best_interests__determinations__isnull=False))
    case, level = bip_case(user("cp.dakar"), procedure.case.number)
    assert case.office.code == "DKR" and case.is_child and level == "full"
    assessment = procedure.assessment
    assert assessment.child_views and assessment.maturity_weighing and 0 <= assessment.age_when_heard <= 17
    assert [s.state for s in procedure.steps.all()] == [Step.State.DONE, Step.State.OPEN, Step.State.OPEN]
    determination = current_determination(procedure)
    assert procedure.status == Status.DETERMINED and determination.decision == Solution.RETURN
    assert determination.return_considered and determination.local_considered and len(determination.panel) == 2


def test_a_second_dakar_child_is_still_in_planning_and_every_step_is_audited(seeded):
    from reintegra.children.models import Procedure, Status

    procedures = Procedure.objects.filter(case__office__code="DKR")
    assert sorted(procedures.values_list("status", flat=True)) == [Status.DETERMINED, Status.PLANNING]
    events = AuditEvent.objects.filter(event_type__startswith="bip.", actor=user("cp.dakar"))
    assert events.filter(event_type=AuditEvent.Type.BIP_ASSESSMENT_SAVED).count() == 2
    assert events.filter(event_type=AuditEvent.Type.BIP_STEP_CHANGED).count() == 2 * (3 + 1)
    assert events.filter(event_type=AuditEvent.Type.BIP_DETERMINED).count() == 1


def test_pikine_and_tambacounda_have_a_rated_profile_and_a_project(seeded):
    from reintegra.community import selectors as community
    from reintegra.community.models import Approach

    supervisor = user("sup.dakar")
    communities = {c.name: c for c in community.communities_for(supervisor)}
    assert set(communities) == {"Pikine", "Commune de Tambacounda"}
    for item in communities.values():
        profile = community.profiles_of(item)[0]
        assert profile.needs_resources and profile.ratings.count() == 7
        assert community.projects_of(item).count() == 1
    assert community.return_volume(supervisor, communities["Pikine"]).total > 0
    tamba = community.projects_of(communities["Commune de Tambacounda"]).get()
    assert (tamba.approach, tamba.dimension, tamba.community.office.code) == (
        Approach.COLLECTIVE,
        "psychosocial",
        "TBA",
    )


def test_the_pikine_project_has_three_returnees_with_aminata_and_two_residents(seeded):
    from reintegra.community import selectors as community
    from reintegra.community.models import Approach, CommunityProject

    project = CommunityProject.objects.get(community__name="Pikine")
    assert (project.approach, project.dimension) == (Approach.COMMUNITY_BASED, "economic")
    counts = community.participant_counts(community.participants_of(project))
    assert (counts.returnees, counts.residents) == (3, 2)
    assert project.participants.filter(case=aminata()).exists()
    added = AuditEvent.objects.filter(event_type=AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED)
    assert added.filter(changes__project=project.pk).count() == 5


def test_dakars_stakeholders_span_the_three_tiers_and_one_is_due_for_review(seeded):
    from reintegra.structural import selectors as structural
    from reintegra.structural.models import Tier

    stakeholders = list(structural.stakeholder_list(user("pm.dakar")))
    assert len(stakeholders) == 6 and {s.office.code for s in stakeholders} == {"DKR"}
    assert {s.tier for s in stakeholders} == set(Tier)
    today = timezone.localdate()
    assert [s.name for s in stakeholders if s.review_due(today)] == [
        "Agence régionale de développement (ARD) de Tambacounda"
    ]
    assert sum(len(structural.discussions_of(s)) for s in stakeholders) == 3
    assert any(s.name == "ONG Jappo Liggeey" for s in stakeholders)


def test_the_dgase_mou_is_signed_and_the_ngo_lta_expires_within_60_days(seeded):
    from reintegra.structural import selectors as structural
    from reintegra.structural.models import Agreement as StructuralAgreement

    today = timezone.localdate()
    agreements = {a.kind: a for a in structural.agreement_list(user("sup.dakar"))}
    mou, lta = agreements[StructuralAgreement.Kind.MOU], agreements[StructuralAgreement.Kind.LTA]
    assert mou.status == StructuralAgreement.Status.SIGNED and not mou.expiring_soon(today)
    assert [p.name for p in mou.parties.all()] == ["Direction générale d'appui aux Sénégalais de l'extérieur (DGASE)"]
    assert lta.expiring_soon(today) and [p.name for p in lta.parties.all()] == ["ONG Jappo Liggeey"]


def test_the_technical_committee_is_chaired_by_the_dgase_and_met_twice(seeded):
    from reintegra.structural import selectors as structural

    body = structural.body_list(user("pm.dakar")).get()
    assert body.name == "Comité technique de réintégration" and "DGASE" in body.chair.name
    meetings = structural.meetings_of(body)
    assert len(meetings) == 2 and all(m.decisions for m in meetings)
    activity = structural.capacity_list(user("pm.dakar")).get()
    assert "ANPEJ" in activity.institution.name and activity.participants == 18


def test_every_structural_write_is_audited_as_the_programme_manager(seeded):
    events = AuditEvent.objects.filter(event_type__startswith="structural.")
    assert set(events.values_list("actor__username", flat=True)) == {"pm.dakar"}
    assert Counter(events.values_list("event_type", flat=True)) == {
        AuditEvent.Type.STRUCTURAL_STAKEHOLDER_SAVED: 6,
        AuditEvent.Type.STRUCTURAL_DISCUSSION_ADDED: 3,
        AuditEvent.Type.STRUCTURAL_AGREEMENT_SAVED: 2,
        AuditEvent.Type.STRUCTURAL_CAPACITY_SAVED: 1,
        AuditEvent.Type.STRUCTURAL_BODY_SAVED: 1,
        AuditEvent.Type.STRUCTURAL_MEETING_ADDED: 2,
    }
