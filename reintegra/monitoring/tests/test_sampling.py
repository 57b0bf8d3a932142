"""Sampling: allocation by hand, reproducible draws, frames, re-draws and rates counted by hand."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import ConsentStatus
from reintegra.cases.services import case_close
from reintegra.monitoring import sampling, services
from reintegra.monitoring.models import Outcome, Sample
from reintegra.monitoring.selectors import (
    FrameFilter,
    default_instrument,
    sample_members,
    sample_rates,
    stratum_labels,
)
from reintegra.monitoring.tests.world import programme_case, respond

# ------------------------------------------------------------------ allocation, by hand


def test_proportional_allocation_rounds_by_largest_remainder():
    # 15 of 50/30/20: exact shares 7.5, 4.5, 3 -> 7, 4, 3 and one unit left; the remainders
    # .5 and .5 tie, so the larger stratum (a) gets it.
    assert sampling.allocate({"a": 50, "b": 30, "c": 20}, total=15, method="proportional") == {"a": 8, "b": 4, "c": 3}
    # 6 of 7/5/1: 42/13 = 3.23, 30/13 = 2.31, 6/13 = 0.46 -> 3, 2, 0; the largest remainder is c's.
    assert sampling.allocate({"a": 7, "b": 5, "c": 1}, total=6, method="proportional") == {"a": 3, "b": 2, "c": 1}


def test_equal_allocation_and_the_minimum_per_stratum():
    # 10 over three strata: 3.33 each -> 3, 3, 3 and one left; equal remainders: the larger stratum.
    assert sampling.allocate({"a": 40, "b": 60, "c": 50}, total=10, method="equal") == {"a": 3, "b": 4, "c": 3}
    # Minimum 3 first (3 + 3), then the other 4 in proportion 90:10 -> 3.6 and 0.4 -> 4 and 0.
    assert sampling.allocate({"a": 90, "b": 10}, total=10, method="proportional", minimum=3) == {"a": 7, "b": 3}
    with pytest.raises(ValueError):
        sampling.allocate({"a": 90, "b": 10, "c": 10}, total=5, method="equal", minimum=2)


def test_a_stratum_smaller_than_its_share_is_taken_whole_and_the_rest_shared_again():
    # Equal: 10 each, but a has 2; the 28 left go 14 and 14 to b and c.
    assert sampling.allocate({"a": 2, "b": 50, "c": 48}, total=30, method="equal") == {"a": 2, "b": 14, "c": 14}
    # A minimum larger than a stratum takes the stratum whole.
    assert sampling.allocate({"a": 1, "b": 20}, total=6, method="equal", minimum=3) == {"a": 1, "b": 5}
    # Asking for more than the frame takes everyone.
    assert sampling.allocate({"a": 2, "b": 3}, total=10, method="proportional") == {"a": 2, "b": 3}


# ------------------------------------------------------------------ the draw


def strata(**sizes):
    start = 1
    result = []
    for key, size in sizes.items():
        result.append(sampling.Stratum(key=key, label=key, case_ids=list(range(start, start + size))))
        start += size
    return result


def test_the_same_seed_and_frame_draw_the_same_members_and_another_seed_differs():
    def members(seed, **sizes):
        drawn = strata(**sizes)
        for s in drawn:
            s.allocated = 5
        return [(s.key, case_id, order) for s, case_id, order in sampling.draw(drawn, seed=seed)]

    first = members(20260801, a=40, b=30)
    assert first == members(20260801, a=40, b=30)
    assert first != members(20260802, a=40, b=30)
    assert [order for _, _, order in first] == list(range(1, 11))


def test_a_stratum_draw_depends_only_on_its_own_cases_and_the_frame_order_does_not_matter():
    ids = list(range(100, 160))
    assert sampling.draw_stratum(ids, 7, seed=42, key="office=1") == sampling.draw_stratum(
        list(reversed(ids)), 7, seed=42, key="office=1"
    )
    assert sampling.draw_stratum(ids, 7, seed=42, key="office=1") != sampling.draw_stratum(
        ids, 7, seed=42, key="office=2"
    )


def test_the_draw_is_pinned_for_ever():
    """Python guarantees random() for a given seed; if this changes, old samples could not be re-drawn."""
    assert sampling.draw_stratum(list(range(1, 21)), 4, seed=1, key="all") == [13, 19, 7, 8]


# ------------------------------------------------------------------ the service


@pytest.fixture
def frame(cast, db):
    """12 Dakar cases (8 male, 4 female), 4 Tambacounda cases, one without monitoring consent, one closed."""
    cases = []
    for i in range(8):
        cases.append(programme_case(cast, given=f"Moussa{i}", family="Diop"))
    for i in range(4):
        cases.append(programme_case(cast, given=f"Awa{i}", family="Ndiaye", sex="female"))
    for i in range(4):
        cases.append(programme_case(cast, cast.tamba, given=f"Ousmane{i}", family="Ba"))
    programme_case(cast, given="Binta", family="Sow", monitoring=ConsentStatus.WITHDRAWN)
    closed = programme_case(cast, given="Khady", family="Fall")
    case_close(actor=cast.sup_dakar, case=closed, reason="support_completed")
    return cases


def definition(**overrides):
    values = {
        "name": "RSS follow-up 1, round 2026",
        "purpose": Sample.Purpose.SURVEY,
        "frame": FrameFilter(),
        "strata": ["office", "sex"],
        "allocation": "proportional",
        "size": 8,
        "instrument": default_instrument(),
        "occasion": "follow_up",
        "occasion_number": 1,
    }
    return services.SampleInput(**(values | overrides))


def test_me_draws_a_recorded_reproducible_sample(cast, frame):
    sample = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=definition(), seed=777)
    assert sample.frame_total == 16 and sample.excluded_no_consent == 1
    dakar, tamba = cast.dakar.pk, cast.tamba.pk
    # 8 of 16: Dakar male 8 -> 4, Dakar female 4 -> 2, Tambacounda male 4 -> 2
    assert sample.frame_sizes == {
        f"office={dakar}|sex=male": {"frame": 8, "allocated": 4},
        f"office={dakar}|sex=female": {"frame": 4, "allocated": 2},
        f"office={tamba}|sex=male": {"frame": 4, "allocated": 2},
    }
    assert set(stratum_labels(sample).values()) == {"Dakar · Male", "Dakar · Female", "Tambacounda · Male"}
    again = services.sample_draw(
        actor=cast.pm_dakar, programme=cast.programme, data=services.sample_input_of(sample), seed=777, redraw_of=sample
    )
    first = list(sample.members.values_list("case_id", "stratum", "order"))
    assert first == list(again.members.values_list("case_id", "stratum", "order"))
    assert Sample.objects.count() == 2 and again.redraw_of == sample
    other = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=definition(), seed=778)
    assert list(other.members.values_list("case_id", flat=True)) != [c for c, _, _ in first]
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.SAMPLE_DRAWN).count() == 3


def test_a_fresh_seed_is_random_and_shown(cast, frame):
    one = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=definition())
    two = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=definition())
    assert one.seed != two.seed and 0 <= one.seed < 2**63


def test_the_frame_filters_offices_arrival_and_done_occasion(cast, frame):
    respond(cast, frame[0], "baseline")
    respond(cast, frame[9], "baseline")
    only_baselines = definition(frame=FrameFilter(done_occasion="baseline"), strata=[])
    assert services.sample_preview(actor=cast.me_hq, programme=cast.programme, data=only_baselines).frame_total == 2
    tamba = definition(frame=FrameFilter(offices=[cast.tamba.pk]))
    assert services.sample_preview(actor=cast.me_hq, programme=cast.programme, data=tamba).frame_total == 4
    late = definition(frame=FrameFilter(arrival_from=date(2026, 2, 1)))
    assert services.sample_preview(actor=cast.me_hq, programme=cast.programme, data=late).frame_total == 0
    with pytest.raises(ValidationError):
        services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=late)


def test_a_spot_check_frame_holds_cases_with_in_kind_assistance(cast, frame):
    from reintegra.monitoring.tests.test_schedule import _deliver

    _deliver(cast, frame[3], paid_on=date(2026, 3, 5))
    spot = definition(purpose=Sample.Purpose.SPOT_CHECK, frame=FrameFilter(in_kind=True), strata=[], size=5)
    sample = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=spot)
    assert list(sample.members.values_list("case_id", flat=True)) == [frame[3].pk]


def test_minimums_larger_than_the_size_are_refused_with_a_message(cast, frame):
    with pytest.raises(ValidationError) as refused:
        services.sample_preview(
            actor=cast.me_hq, programme=cast.programme, data=definition(size=4, minimum_per_stratum=2)
        )
    assert "minimum_per_stratum" in refused.value.message_dict


@pytest.mark.parametrize("who", ["sup_dakar", "cm_dakar", "partner_dakar", "admin", "cm_bamako", "nobody"])
def test_only_me_and_programme_managers_draw(cast, frame, who):
    with pytest.raises(PermissionDenied):
        services.sample_draw(actor=getattr(cast, who), programme=cast.programme, data=definition())


# ------------------------------------------------------------------ outcomes and rates


def record(cast, member, outcome, actor=None, **extra):
    return services.member_outcome_record(
        actor=actor or cast.me_hq, member=member, outcome=outcome, outcome_on=date(2026, 8, 3), **extra
    )


@time_machine.travel("2026-08-10", tick=False)
def test_rates_and_attrition_match_a_hand_count(cast, frame):
    sample = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=definition(size=10), seed=5)
    members = list(sample.members.select_related("case__office").order_by("order"))
    for member, outcome in zip(members, ["reached"] * 4 + ["refused"] * 2 + ["unreachable", "moved"], strict=False):
        record(cast, member, outcome)
    # Baselines for members 1-5; follow-up 1 for members 1 and 2; a follow-up 2 for member 3 does not count.
    for member in members[:5]:
        respond(cast, member.case, "baseline")
    respond(cast, members[0].case, "follow_up", 1)
    respond(cast, members[1].case, "follow_up", 1)
    respond(cast, members[2].case, "follow_up", 2)
    rates = sample_rates(sample_members(cast.me_hq, sample), sample)
    assert rates.size == 10
    assert rates.counts == {"pending": 2, "reached": 4, "refused": 2, "unreachable": 1, "moved": 1}
    assert (rates.response_rate, rates.refusal_rate, rates.unreachable_rate) == (0.4, 0.2, 0.1)
    assert (rates.with_baseline, rates.without_follow_up, rates.attrition) == (5, 3, 0.6)


@time_machine.travel("2026-08-10", tick=False)
def test_outcomes_need_a_date_and_an_allowed_actor(cast, frame):
    sample = services.sample_draw(actor=cast.me_hq, programme=cast.programme, data=definition(), seed=5)
    member = sample.members.select_related("case__office").first()
    with pytest.raises(ValidationError):
        services.member_outcome_record(actor=cast.me_hq, member=member, outcome=Outcome.REACHED, outcome_on=None)
    with pytest.raises(PermissionDenied):
        record(cast, member, Outcome.REACHED, actor=cast.sup_dakar)
    record(cast, member, Outcome.REACHED, actor=cast.cm_dakar, note="Joint au téléphone")
    member.refresh_from_db()
    assert member.outcome == "reached" and member.note == "Joint au téléphone" and member.recorded_by == cast.cm_dakar
    record(cast, member, Outcome.MOVED)  # M&E leaves the note alone
    member.refresh_from_db()
    assert member.note == "Joint au téléphone"
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.SAMPLE_OUTCOME_RECORDED).first()
    assert event.changes["outcome"] == ["reached", "moved"] and "Joint" not in str(event.changes)
