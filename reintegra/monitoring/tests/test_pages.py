"""Page permission stories: follow-ups due, rules, scheduling, samples, outcomes and the CSV."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Stage, Task
from reintegra.monitoring import services
from reintegra.monitoring.models import MonitoringRule, Sample, SampleMember
from reintegra.monitoring.selectors import FrameFilter, default_instrument
from reintegra.monitoring.tests.world import programme_case, rule
from reintegra.tests.cast import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]
TODAY = "2026-08-20"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def world(cast):
    rule(cast)
    mine = programme_case(cast, given="Aminata", family="Diallo", assigned_to=cast.cm_dakar)
    other = programme_case(cast, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar2)
    return mine, other


# ------------------------------------------------------------------ follow-ups due


@time_machine.travel(TODAY, tick=False)
def test_a_case_manager_sees_their_follow_ups_due_with_names(client, cast, world):
    mine, other = world
    text = login(client, cast.cm_dakar).get(reverse("monitoring:follow_ups")).content.decode()
    assert mine.number in text and "Aminata Diallo" in text and "Overdue" in text
    assert other.number not in text


@time_machine.travel(TODAY, tick=False)
def test_me_sees_the_office_pseudonymised(client, cast, world):
    mine, other = world
    page = login(client, cast.me_hq).get(reverse("monitoring:follow_ups"))
    text = page.content.decode()
    assert page.status_code == 200 and mine.number in text and other.number in text
    assert mine.person.pseudonym in text and "Aminata" not in text and "Ndiaye" not in text
    assert reverse("monitoring:schedule", args=[cast.programme.pk]) not in text


@time_machine.travel(TODAY, tick=False)
def test_another_office_sees_nothing_of_dakar(client, cast, world):
    text = login(client, cast.cm_bamako).get(reverse("monitoring:follow_ups")).content.decode()
    assert world[0].number not in text and "Programme Sénégal" not in text


@pytest.mark.parametrize("who", ["partner_dakar", "admin", "nobody"])
def test_users_without_case_roles_get_404_everywhere(client, cast, world, who):
    login(client, getattr(cast, who))
    for name, args in [
        ("follow_ups", []),
        ("samples", []),
        ("sample_create", []),
        ("rules", [cast.programme.pk]),
    ]:
        assert client.get(reverse(f"monitoring:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("monitoring:schedule", args=[cast.programme.pk])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_due_list_page_keeps_its_query_budget(client, cast, django_assert_max_num_queries):
    rule(cast)
    rule(cast, "baseline", kind=MonitoringRule.Kind.BEFORE_PLAN)
    rule(cast, "endline", anchor=MonitoringRule.Anchor.LAST_ASSISTANCE, offset=12)
    for i in range(30):
        programme_case(cast, given=f"Awa{i}", family="Ndiaye", stage=Stage.PLANNING)
    login(client, cast.sup_dakar)
    with django_assert_max_num_queries(18):
        page = client.get(reverse("monitoring:follow_ups"))
    assert page.status_code == 200 and page.content.decode().count("<tr>") >= 50


# ------------------------------------------------------------------ rules and scheduling


def rule_post(**overrides):
    data = {
        "instrument": default_instrument().pk,
        "occasion": "follow_up",
        "occasion_number": "2",
        "kind": "timed",
        "anchor": "last_assistance",
        "offset": "12",
        "unit": "months",
        "window_before": "14",
        "window_after": "30",
        "order": "2",
        "active": "on",
    }
    return data | overrides


def test_a_programme_manager_adds_a_rule(client, cast):
    page = login(client, cast.pm_dakar).post(reverse("monitoring:rules", args=[cast.programme.pk]), rule_post())
    assert page.status_code == 302
    created = MonitoringRule.objects.get()
    assert (created.occasion_number, created.anchor, created.offset) == (2, "last_assistance", 12)
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.MONITORING_RULE_CHANGED).exists()
    edit = client.post(reverse("monitoring:rule_edit", args=[created.pk]), rule_post(active="", offset="9"))
    created.refresh_from_db()
    assert edit.status_code == 302 and not created.active and created.offset == 9


def test_a_wrong_rule_comes_back_with_what_was_typed(client, cast):
    page = login(client, cast.pm_dakar).post(
        reverse("monitoring:rules", args=[cast.programme.pk]), rule_post(occasion_number="0", offset="17")
    )
    assert page.status_code == 400 and 'value="17"' in page.content.decode()
    assert "Number the follow-up" in page.content.decode() and not MonitoringRule.objects.exists()


@pytest.mark.parametrize("who", ["me_hq", "sup_dakar"])
def test_me_and_supervisors_read_rules_but_cannot_change_them(client, cast, who):
    existing = rule(cast)
    login(client, getattr(cast, who))
    page = client.get(reverse("monitoring:rules", args=[cast.programme.pk]))
    assert page.status_code == 200 and "Add a rule" not in page.content.decode()
    assert client.post(reverse("monitoring:rules", args=[cast.programme.pk]), rule_post()).status_code == 403
    assert client.get(reverse("monitoring:rule_edit", args=[existing.pk])).status_code == 403


@pytest.mark.parametrize("who", ["cm_dakar", "cm_bamako", "sup_bamako"])
def test_case_managers_and_other_offices_do_not_see_rules(client, cast, who):
    existing = rule(cast)
    login(client, getattr(cast, who))
    assert client.get(reverse("monitoring:rules", args=[cast.programme.pk])).status_code == 404
    assert client.get(reverse("monitoring:rule_edit", args=[existing.pk])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_schedule_button_creates_tasks_once(client, cast, world):
    login(client, cast.pm_dakar)
    assert "Create tasks" in client.get(reverse("monitoring:follow_ups")).content.decode()
    client.post(reverse("monitoring:schedule", args=[cast.programme.pk]))
    page = client.post(reverse("monitoring:schedule", args=[cast.programme.pk]), follow=True)
    assert Task.objects.filter(kind=Task.Kind.FOLLOW_UP_CONTACT).count() == 2
    assert "0 follow-up tasks created." in page.content.decode() and "Task open" in page.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_supervisor_cannot_press_the_schedule_button(client, cast, world):
    login(client, cast.sup_dakar)
    assert client.post(reverse("monitoring:schedule", args=[cast.programme.pk])).status_code == 403
    assert not Task.objects.filter(kind=Task.Kind.FOLLOW_UP_CONTACT).exists()


# ------------------------------------------------------------------ samples


def sample_post(**overrides):
    data = {
        "name": "Spot check Q3",
        "purpose": "spot_check",
        "occasion_number": "0",
        "done_number": "0",
        "strata": ["office"],
        "allocation": "proportional",
        "size": "2",
        "minimum_per_stratum": "0",
    }
    return data | overrides


def test_me_previews_then_draws_a_sample(client, cast, world):
    login(client, cast.me_hq)
    url = reverse("monitoring:sample_create") + f"?programme={cast.programme.pk}"
    assert client.get(url).status_code == 200
    preview = client.post(url, sample_post(preview="1"))
    assert preview.status_code == 200 and "Frame: 2 cases; sample: 2." in preview.content.decode()
    partial = client.post(url, sample_post(preview="1"), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'id="allocation"' in partial.content.decode()
    drawn = client.post(url, sample_post(draw="1", seed="12345"))
    sample = Sample.objects.get()
    assert drawn.status_code == 302 and drawn["Location"] == sample.get_absolute_url()
    assert sample.seed == 12345 and sample.members.count() == 2


def test_a_wrong_sample_comes_back_with_what_was_typed(client, cast, world):
    login(client, cast.me_hq)
    url = reverse("monitoring:sample_create") + f"?programme={cast.programme.pk}"
    page = client.post(url, sample_post(draw="1", size="0", name="Mon échantillon"))
    assert page.status_code == 400 and "Mon échantillon" in page.content.decode()
    assert not Sample.objects.exists()


@pytest.mark.parametrize("who", ["sup_dakar", "cm_dakar", "cm_bamako"])
def test_only_me_and_programme_managers_reach_the_draw_page(client, cast, world, who):
    login(client, getattr(cast, who))
    assert client.get(reverse("monitoring:sample_create")).status_code == 404


@pytest.fixture
def drawn(cast, world):
    return services.sample_draw(
        actor=cast.me_hq,
        programme=cast.programme,
        data=services.SampleInput(
            name="Spot check Q3",
            purpose=Sample.Purpose.SPOT_CHECK,
            frame=FrameFilter(),
            strata=[],
            allocation="proportional",
            size=2,
        ),
        seed=99,
    )


def member_of(sample, case) -> SampleMember:
    return sample.members.get(case=case)


def test_me_sees_the_sample_pseudonymised_and_records_outcomes(client, cast, world, drawn):
    mine, _ = world
    text = login(client, cast.me_hq).get(drawn.get_absolute_url()).content.decode()
    assert mine.person.pseudonym in text and "Aminata" not in text and "99" in text
    member = member_of(drawn, mine)
    url = reverse("monitoring:member_outcome", args=[drawn.pk, member.pk])
    prefix = f"m{member.pk}-"
    data = {
        prefix + "outcome": "reached",
        prefix + "outcome_on": "2026-01-20",
        prefix + "certificate_check": "discrepancy",
    }
    page = client.post(url, data, headers={"HX-Request": "true"})
    member.refresh_from_db()
    assert page.status_code == 200 and member.outcome == "reached" and member.certificate_check == "discrepancy"
    assert "<html" not in page.content.decode() and f'id="member-{member.pk}"' in page.content.decode()


def test_a_case_manager_sees_and_works_on_only_their_members(client, cast, world, drawn):
    mine, other = world
    login(client, cast.cm_dakar)
    text = client.get(drawn.get_absolute_url()).content.decode()
    assert "Aminata Diallo" in text and other.number not in text
    theirs = member_of(drawn, other)
    url = reverse("monitoring:member_outcome", args=[drawn.pk, theirs.pk])
    assert client.post(url, {f"m{theirs.pk}-outcome": "reached"}).status_code == 404
    own = member_of(drawn, mine)
    prefix = f"m{own.pk}-"
    bad = client.post(
        reverse("monitoring:member_outcome", args=[drawn.pk, own.pk]),
        {prefix + "outcome": "refused", prefix + "note": "Ne souhaite pas répondre"},
    )
    assert bad.status_code == 400 and "Ne souhaite pas répondre" in bad.content.decode()


def test_a_supervisor_reads_outcomes_but_does_not_record_them(client, cast, world, drawn):
    login(client, cast.sup_dakar)
    page = client.get(drawn.get_absolute_url())
    assert page.status_code == 200 and "Aminata Diallo" in page.content.decode()
    member = drawn.members.first()
    url = reverse("monitoring:member_outcome", args=[drawn.pk, member.pk])
    assert client.post(url, {f"m{member.pk}-outcome": "reached"}).status_code == 403


@pytest.mark.parametrize("who", ["cm_bamako", "sup_bamako", "partner_dakar", "admin", "nobody"])
def test_outsiders_get_404_on_the_sample(client, cast, drawn, who):
    login(client, getattr(cast, who))
    member = drawn.members.first()
    assert client.get(drawn.get_absolute_url()).status_code == 404
    assert client.get(reverse("monitoring:sample_csv", args=[drawn.pk])).status_code == 404
    assert client.get(reverse("monitoring:sample_redraw", args=[drawn.pk])).status_code == 404
    url = reverse("monitoring:member_outcome", args=[drawn.pk, member.pk])
    assert client.post(url, {f"m{member.pk}-outcome": "reached"}).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_csv_is_pseudonymised_for_me_and_neutralises_formulas(client, cast, world, drawn):
    mine, _ = world
    member = member_of(drawn, mine)
    services.member_outcome_record(
        actor=cast.cm_dakar, member=member, outcome="reached", outcome_on=date(2026, 8, 1), note="=HYPERLINK(1)"
    )
    pseudo = login(client, cast.me_hq).get(reverse("monitoring:sample_csv", args=[drawn.pk])).content.decode()
    assert mine.person.pseudonym in pseudo and "Aminata" not in pseudo and "HYPERLINK" not in pseudo
    named = login(client, cast.sup_dakar).get(reverse("monitoring:sample_csv", args=[drawn.pk])).content.decode()
    assert "Aminata" in named and "'=HYPERLINK(1)" in named
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, subject_id=str(drawn.pk)).count() == 2


def test_a_redraw_keeps_the_earlier_sample(client, cast, world, drawn):
    login(client, cast.pm_dakar)
    url = reverse("monitoring:sample_redraw", args=[drawn.pk])
    assert "Spot check Q3" in client.get(url).content.decode()
    page = client.post(url, sample_post(draw="1", seed="99", strata=[]))
    again = Sample.objects.exclude(pk=drawn.pk).get()
    assert page.status_code == 302 and again.redraw_of == drawn
    assert list(again.members.values_list("case_id", "order")) == list(drawn.members.values_list("case_id", "order"))


def test_the_sample_page_keeps_its_query_budget(client, cast, django_assert_max_num_queries):
    for i in range(25):
        programme_case(cast, given=f"Awa{i}", family="Ndiaye")
    sample = services.sample_draw(
        actor=cast.me_hq,
        programme=cast.programme,
        data=services.SampleInput(
            name="Survey",
            purpose="survey",
            frame=FrameFilter(),
            strata=["office"],
            allocation="equal",
            size=20,
            instrument=default_instrument(),
        ),
    )
    login(client, cast.me_hq)
    with django_assert_max_num_queries(14):
        page = client.get(sample.get_absolute_url())
    assert page.status_code == 200 and page.content.decode().count('class="pseudonym"') == 20
    with django_assert_max_num_queries(12):
        assert client.get(reverse("monitoring:samples")).status_code == 200
