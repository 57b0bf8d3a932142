"""Budget arithmetic in several currencies (hand-computed), approval rules, revisions, late plans."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.directory.models import Organisation, Service
from reintegra.plans import selectors, services
from reintegra.plans.budget import RateTable, cents
from reintegra.plans.models import Activity, Disbursement, Plan
from reintegra.plans.tests.world import PLAN_DATE, add, configure_programme, new_plan, programme_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def ngo_service(cast):
    org = Organisation.objects.create(name="ONG Jappo", kind=Organisation.Kind.NGO, country="SN")
    return Service.objects.create(organisation=org, name="Formation couture")


@pytest.fixture
def awa(cast):
    configure_programme(cast)
    return programme_case(cast, given="Awa", family="Ndiaye", sex="female", assigned_to=cast.cm_dakar)


def awa_plan(cast, awa, ngo_service):
    plan = new_plan(cast, awa)
    add(cast, plan, "micro_business", "900", "EUR")  # 900 × 655.957 = 590 361.30 XOF
    add(cast, plan, "vocational_training", "150", "USD", delivery="referral", provider_service=ngo_service)
    add(cast, plan, "immediate_cash", "100000", "XOF")  # cash
    add(cast, plan, "psychosocial_individual", "0", "XOF")
    return plan


def budget_of(case):
    plan = selectors.current_plan(case)
    return selectors.case_budget(case, plan, selectors.plan_activities(plan))


def test_it_converts_each_currency_at_the_rate_valid_on_the_plan_date(cast, awa, ngo_service):
    awa_plan(cast, awa, ngo_service)
    budget = budget_of(awa)
    # 590 361.30 (EUR) + 150 × 610.5 = 91 575.00 (USD, the 1 March rate, not 600) + 100 000 (XOF)
    assert budget.planned == Decimal("781936.30")
    assert budget.cash == Decimal("100000.00")
    assert budget.by_dimension == {
        "economic": Decimal("681936.30"),
        "immediate": Decimal("100000.00"),
        "psychosocial": Decimal("0.00"),
    }
    assert budget.remaining == Decimal("218063.70")
    assert not budget.over_cap


def test_it_rounds_only_the_total_half_up(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "basic_needs", "33.33", "EUR")  # 21 863.046 81
    add(cast, plan, "basic_needs", "33.33", "EUR")  # twice: 43 726.093 62, not 2 × 21 863.05
    assert budget_of(awa).planned == Decimal("43726.09")


def test_it_uses_the_older_rate_before_a_newer_one_is_valid(cast, awa):
    rates = RateTable(cast.programme)
    assert rates.rate("USD", date(2026, 2, 28)) == Decimal("600")
    assert rates.rate("usd", date(2026, 3, 1)) == Decimal("610.5")
    assert rates.rate("XOF", date(2000, 1, 1)) == 1


def test_it_counts_no_cancelled_activity(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "basic_needs", "1000", "XOF")
    gone = add(cast, plan, "basic_needs", "5000", "XOF")
    Activity.objects.filter(pk=gone.pk).update(status=Activity.Status.CANCELLED)
    assert budget_of(awa).planned == Decimal("1000.00")


def test_it_names_the_missing_rate_instead_of_a_total(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "basic_needs", "100", "GNF")
    budget = budget_of(awa)
    assert budget.planned is None
    assert "GNF" in budget.errors[0]
    with pytest.raises(ValidationError, match="GNF"):
        services.plan_submit(actor=cast.cm_dakar, plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_it_refuses_a_rate_dated_after_the_plan(cast, awa):
    plan = new_plan(cast, awa, plan_date=date(2025, 12, 31))  # before every rate
    add(cast, plan, "basic_needs", "10", "EUR")
    assert budget_of(awa).planned is None


# ------------------------------------------------------------------ approval rules


def test_it_approves_on_submission_within_the_cap_and_the_cash_threshold(cast, awa, ngo_service):
    plan = services.plan_submit(actor=cast.cm_dakar, plan=awa_plan(cast, awa, ngo_service))
    assert plan.status == Plan.Status.APPROVED
    assert plan.approved_by is None and plan.approved_at is not None
    assert (plan.submitted_total, plan.submitted_cash) == (Decimal("781936.30"), Decimal("100000.00"))
    assert not plan.approval_required


def test_it_needs_approval_over_the_cap(cast, awa, ngo_service):
    plan = awa_plan(cast, awa, ngo_service)
    add(cast, plan, "micro_business", "400", "EUR")  # + 262 382.80 = 1 044 319.10 > 1 000 000
    plan = services.plan_submit(actor=cast.cm_dakar, plan=plan)
    assert plan.status == Plan.Status.AWAITING_APPROVAL
    assert plan.submitted_total == Decimal("1044319.10")
    assert list(selectors.plans_awaiting_approval(cast.sup_dakar)) == [plan]


def test_it_needs_approval_when_cash_exceeds_the_threshold_under_the_cap(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "immediate_cash", "200000.01", "XOF")
    plan = services.plan_submit(actor=cast.cm_dakar, plan=plan)
    assert plan.status == Plan.Status.AWAITING_APPROVAL and plan.approval_required


def test_it_approves_cash_exactly_at_the_threshold(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "immediate_cash", "200000", "XOF")
    assert services.plan_submit(actor=cast.cm_dakar, plan=plan).status == Plan.Status.APPROVED


def test_it_needs_no_approval_when_the_programme_sets_no_limits(cast):
    configure_programme(cast, cap=None, cash_threshold=None)
    case = programme_case(cast, assigned_to=cast.cm_dakar)
    plan = new_plan(cast, case)
    add(cast, plan, "immediate_cash", "99999999", "XOF")
    assert services.plan_submit(actor=cast.cm_dakar, plan=plan).status == Plan.Status.APPROVED


def test_a_supervisor_approves_with_a_note_and_the_approval_is_audited(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "immediate_cash", "300000", "XOF")
    plan = services.plan_submit(actor=cast.cm_dakar, plan=plan)
    plan = services.plan_approve(actor=cast.sup_dakar, plan=plan, note="Justifié par la dette")
    assert plan.status == Plan.Status.APPROVED and plan.approved_by == cast.sup_dakar
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.PLAN_APPROVED, case=awa, actor=cast.sup_dakar).exists()
    assert selectors.plans_awaiting_approval(cast.sup_dakar).count() == 0


def test_a_supervisor_returns_a_plan_with_a_note(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "immediate_cash", "300000", "XOF")
    plan = services.plan_submit(actor=cast.cm_dakar, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_return(actor=cast.sup_dakar, plan=plan, note="  ")
    plan = services.plan_return(actor=cast.sup_dakar, plan=plan, note="Moins d'espèces, plus en nature")
    assert plan.status == Plan.Status.DRAFT and plan.submitted_at is None
    assert plan.approval_note == "Moins d'espèces, plus en nature"


def test_a_case_manager_cannot_approve(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "immediate_cash", "300000", "XOF")
    plan = services.plan_submit(actor=cast.cm_dakar, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=cast.cm_dakar, plan=plan)


def test_a_supervisor_does_not_approve_a_plan_they_submitted(cast, awa):
    plan = new_plan(cast, awa, actor=cast.sup_dakar)
    add(cast, plan, "immediate_cash", "300000", "XOF", actor=cast.sup_dakar)
    plan = services.plan_submit(actor=cast.sup_dakar, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=cast.sup_dakar, plan=plan)
    assert services.plan_approve(actor=cast.pm_dakar, plan=plan).status == Plan.Status.APPROVED


def test_an_empty_plan_cannot_be_submitted(cast, awa):
    with pytest.raises(ValidationError):
        services.plan_submit(actor=cast.cm_dakar, plan=new_plan(cast, awa))


def test_the_returnee_agrees_verbally_with_a_witness_or_with_the_signed_plan(cast, awa, ngo_service):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = services.plan_submit(actor=cast.cm_dakar, plan=awa_plan(cast, awa, ngo_service))
    with pytest.raises(ValidationError) as refused:
        services.plan_record_agreement(actor=cast.cm_dakar, plan=plan, agreed_on=PLAN_DATE, method="verbal_witnessed")
    assert "witness" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.plan_record_agreement(
            actor=cast.cm_dakar,
            plan=plan,
            agreed_on=PLAN_DATE,
            method="signed",
            document=SimpleUploadedFile("plan.pdf", b"GIF89a not a pdf"),
        )
    assert "document" in refused.value.error_dict
    plan = services.plan_record_agreement(
        actor=cast.cm_dakar,
        plan=plan,
        agreed_on=PLAN_DATE,
        method="signed",
        document=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 signed by Awa"),
    )
    assert plan.status == Plan.Status.AGREED and plan.agreement_document


# ------------------------------------------------------------------ revisions


def test_a_revision_copies_the_activities_and_keeps_the_old_version_readable(cast, awa, ngo_service):
    v1 = services.plan_submit(actor=cast.cm_dakar, plan=awa_plan(cast, awa, ngo_service))
    with pytest.raises(ValidationError):
        services.plan_revise(actor=cast.cm_dakar, plan=v1, reason="")
    v2 = services.plan_revise(actor=cast.cm_dakar, plan=v1, reason="Awa a déménagé à Thiès")
    v1.refresh_from_db()
    assert (v1.status, v2.status, v2.version, v2.previous) == (Plan.Status.SUPERSEDED, Plan.Status.DRAFT, 2, v1)
    assert v2.revision_reason == "Awa a déménagé à Thiès" and v2.goals == v1.goals
    old = sorted(v1.activities.values_list("type__code", "estimated_cost", "lineage"))
    new = sorted(v2.activities.values_list("type__code", "estimated_cost", "lineage"))
    assert old == new and len(new) == 4
    assert selectors.current_plan(awa) == v2
    assert [p.version for p in selectors.plans_of(awa)] == [2, 1]
    with pytest.raises(ValidationError):
        services.plan_update(actor=cast.cm_dakar, plan=v1, data=services.PlanInput(plan_date=PLAN_DATE))


def test_a_draft_is_edited_not_revised_and_a_second_first_version_is_refused(cast, awa):
    plan = new_plan(cast, awa)
    with pytest.raises(ValidationError):
        services.plan_revise(actor=cast.cm_dakar, plan=plan, reason="why")
    with pytest.raises(ValidationError):
        new_plan(cast, awa)


# ------------------------------------------------------------------ delivery and spending


def test_spent_converts_each_payment_at_its_own_date_and_follows_revisions(cast, awa, ngo_service):
    plan = services.plan_submit(actor=cast.cm_dakar, plan=awa_plan(cast, awa, ngo_service))
    micro = plan.activities.get(type__code="micro_business")
    training = plan.activities.get(type__code="vocational_training")
    services.disbursement_record(
        actor=cast.cm_dakar,
        activity=micro,
        data=services.DisbursementInput(
            paid_on=date(2026, 3, 5), amount=Decimal("500"), currency="eur", kind=Disbursement.Kind.PURCHASE
        ),
    )  # 327 978.50
    services.disbursement_record(
        actor=cast.cm_dakar,
        activity=training,
        data=services.DisbursementInput(
            paid_on=date(2026, 2, 15), amount=Decimal("50"), currency="USD", kind=Disbursement.Kind.VOUCHER
        ),
    )  # at 600 (before 1 March): 30 000.00
    micro.refresh_from_db()
    assert micro.status == Activity.Status.IN_PROGRESS
    budget = budget_of(awa)
    assert budget.spent == Decimal("357978.50")
    assert budget.left_to_spend == Decimal("423957.80")
    v2 = services.plan_revise(actor=cast.cm_dakar, plan=plan, reason="Nouvelle adresse")
    copy = v2.activities.get(type__code="micro_business")
    assert budget_of(awa).spent_by_lineage[str(copy.lineage)] == Decimal("327978.50")


def test_it_refuses_payments_before_approval_and_in_a_currency_without_rate(cast, awa):
    plan = new_plan(cast, awa)
    activity = add(cast, plan, "basic_needs", "1000", "XOF")
    data = services.DisbursementInput(paid_on=PLAN_DATE, amount=Decimal("10"), currency="XOF", kind="purchase")
    with pytest.raises(ValidationError):
        services.disbursement_record(actor=cast.cm_dakar, activity=activity, data=data)
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    activity.refresh_from_db()
    data.currency = "GNF"
    with pytest.raises(ValidationError) as refused:
        services.disbursement_record(actor=cast.cm_dakar, activity=activity, data=data)
    assert "GNF" in str(refused.value.error_dict["currency"])


def test_the_returnee_confirms_a_payment_once(cast, awa):
    plan = new_plan(cast, awa)
    activity = add(cast, plan, "basic_needs", "1000", "XOF")
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    activity.refresh_from_db()
    row = services.disbursement_record(
        actor=cast.cm_dakar,
        activity=activity,
        data=services.DisbursementInput(paid_on=PLAN_DATE, amount=Decimal("10"), currency="XOF", kind="purchase"),
    )
    with pytest.raises(ValidationError):
        services.disbursement_confirm(actor=cast.cm_dakar, disbursement=row, confirmed_on=PLAN_DATE - timedelta(1))
    services.disbursement_confirm(actor=cast.cm_dakar, disbursement=row, confirmed_on=PLAN_DATE)
    with pytest.raises(ValidationError):
        services.disbursement_confirm(actor=cast.cm_dakar, disbursement=row, confirmed_on=PLAN_DATE)


def test_programme_budget_is_the_sum_of_its_cases(cast, awa, ngo_service):
    services.plan_submit(actor=cast.cm_dakar, plan=awa_plan(cast, awa, ngo_service))
    other = programme_case(cast, cast.dakar, given="Ibrahima", family="Sow")
    plan = new_plan(cast, other, actor=cast.sup_dakar)
    add(cast, plan, "basic_needs", "10", "EUR", actor=cast.sup_dakar)  # 6 559.57
    services.plan_submit(actor=cast.sup_dakar, plan=plan)
    draft = programme_case(cast, cast.dakar, given="Fatou", family="Ba")
    add(cast, new_plan(cast, draft, actor=cast.sup_dakar), "basic_needs", "999", "EUR", actor=cast.sup_dakar)
    row = selectors.programme_budget(cast.sup_dakar, cast.programme)
    assert row.planned == Decimal("788495.87")  # drafts are not counted
    assert row.spent == Decimal("0.00") and row.cases == 3


def test_it_reports_only_the_cases_the_user_sees_in_the_programme_budget(cast, awa, ngo_service):
    services.plan_submit(actor=cast.cm_dakar, plan=awa_plan(cast, awa, ngo_service))
    assert selectors.programme_budget(cast.cm_tamba, cast.programme).planned == Decimal("0.00")
    assert cents(selectors.programme_budget(cast.me_hq, cast.programme).planned) == Decimal("781936.30")


# ------------------------------------------------------------------ late plans


def test_late_plans_lists_cases_past_due_without_an_approved_plan(cast):
    configure_programme(cast)
    today = date(2026, 3, 1)
    late = programme_case(cast, arrival=date(2026, 1, 10), given="Late")  # due 9 February
    programme_case(cast, arrival=date(2026, 2, 15), given="Recent", family="Fall")  # due 17 March
    approved = programme_case(cast, arrival=date(2026, 1, 10), given="Done", family="Gueye")
    plan = new_plan(cast, approved, actor=cast.sup_dakar, plan_date=date(2026, 2, 1))
    add(cast, plan, "basic_needs", "1000", actor=cast.sup_dakar)
    services.plan_submit(actor=cast.sup_dakar, plan=plan)
    assert list(selectors.late_plans(cast.sup_dakar, today)) == [late]
    assert selectors.due_date(late) == date(2026, 2, 9)


def test_a_shorter_programme_delay_makes_plans_late_sooner(cast):
    configure_programme(cast)
    cast.programme.plan_due_days = 10
    cast.programme.save()
    case = programme_case(cast, arrival=date(2026, 2, 15))
    assert list(selectors.late_plans(cast.sup_dakar, date(2026, 2, 26))) == [case]
    assert list(selectors.late_plans(cast.sup_dakar, date(2026, 2, 25))) == []


def test_a_documented_exception_takes_a_case_off_the_late_list_until_its_new_date(cast, time_machine):
    time_machine.move_to(date(2026, 3, 1))
    configure_programme(cast)
    case = programme_case(cast, arrival=date(2026, 1, 10))
    with pytest.raises(ValidationError):
        services.plan_delay_exception_record(actor=cast.cm_dakar, case=case, reason="", until=date(2026, 3, 20))
    services.plan_delay_exception_record(
        actor=cast.cm_dakar, case=case, reason="Hospitalisée deux semaines", until=date(2026, 3, 20)
    )
    assert list(selectors.late_plans(cast.sup_dakar, date(2026, 3, 20))) == []
    assert list(selectors.late_plans(cast.sup_dakar, date(2026, 3, 21))) == [case]


def test_late_plans_stay_within_the_users_scope(cast):
    configure_programme(cast)
    programme_case(cast, cast.dakar, arrival=date(2026, 1, 10))
    assert list(selectors.late_plans(cast.cm_bamako, date(2026, 3, 1))) == []
    assert list(selectors.late_plans(cast.partner_dakar, date(2026, 3, 1))) == []


# ------------------------------------------------------------------ exchange rates


def test_programme_managers_and_administrators_enter_rates_not_supervisors(cast):
    kwargs = {"programme": cast.programme, "currency": "gbp", "rate": Decimal("770"), "valid_from": PLAN_DATE}
    with pytest.raises(PermissionDenied):
        services.exchange_rate_enter(actor=cast.sup_dakar, **kwargs)
    with pytest.raises(PermissionDenied):
        services.exchange_rate_enter(actor=cast.cm_dakar, **kwargs)
    row = services.exchange_rate_enter(actor=cast.pm_dakar, **kwargs)
    assert row.currency == "GBP"
    with pytest.raises(ValidationError):
        services.exchange_rate_enter(actor=cast.admin, **kwargs)  # same currency and day
    with pytest.raises(ValidationError):
        services.exchange_rate_enter(actor=cast.admin, **{**kwargs, "currency": "XOF"})
