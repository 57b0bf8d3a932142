"""The scores card of the Assessments tab: radar and timeline of the RSS scores, as permission stories."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from reintegra.instruments import services
from reintegra.instruments.selectors import current_version
from reintegra.instruments.tests.conftest import give_monitoring_consent
from reintegra.scoring import services as services_scoring
from reintegra.scoring.models import Score
from reintegra.scoring.selectors import default_profile
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
NS = {"svg": "http://www.w3.org/2000/svg"}

# Every RSS question answered at the middle of its scale (yes/no questions: the better answer).
MIDDLE = {
    "e1_economic_satisfaction": "neutral",
    "e2_meals_reduced": "sometimes",
    "e3_can_borrow": "yes",
    "e4a_borrow_frequency": "sometimes",
    "e4b_debt_exceeds_spending": "no",
    "e5_access_employment": "fair",
    "e6_has_income": "no",
    "e7_productive_assets": "no",
    "e8_looking_for_work": "yes",
    "s1_access_housing": "fair",
    "s2_housing_standard": "fair",
    "s3_access_education": "fair",
    "s4_children_in_school": "no_school_age_children",
    "s5_access_justice": "fair",
    "s6a_has_id_document": "yes",
    "s6b_access_documents": "fair",
    "s7_access_water": "fair",
    "s8_access_health": "fair",
    "p1_social_events": "sometimes",
    "p2_support_network": "fair",
    "p3_belonging": "neutral",
    "p4_feels_safe": "neither",
    "p5_family_tension": "sometimes",
    "p6_discrimination": "no",
    "p7_anger": "sometimes",
    "p7_sadness": "sometimes",
    "p7_fear": "sometimes",
    "p7_stress": "sometimes",
    "p7_loneliness": "sometimes",
    "p7_low_self_esteem": "sometimes",
    "p7_concentration": "sometimes",
    "p8_wants_psych_support": "no",
    "p9_able_to_stay": "yes",
}
PSYCHOSOCIAL = [
    name for name in MIDDLE if name.startswith("p") and name not in ("p8_wants_psych_support", "p9_able_to_stay")
]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def tab_url(case):
    return reverse("cases:case_detail", args=[case.number]) + "?tab=assessments"


def rss(cast, case, answers, *, occasion="baseline", number=0, day=date(2025, 3, 1)):
    return services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=current_version("rss"),
        answers=answers,
        occasion=occasion,
        occasion_number=number,
        interview_date=day,
    )


def with_answers(**changes):
    return {**MIDDLE, **changes}


@pytest.fixture
def story(cast):
    """Awa's story: a baseline wishing psychological support, then a better follow-up six months later."""
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    give_monitoring_consent(case, cast.sup_dakar)
    baseline = rss(cast, case, with_answers(p8_wants_psych_support="yes", e1_economic_satisfaction="very_dissatisfied"))
    follow_up = rss(
        cast,
        case,
        with_answers(e1_economic_satisfaction="satisfied", e6_has_income="yes"),
        occasion="follow_up",
        number=1,
        day=date(2025, 9, 1),
    )
    return case, baseline, follow_up


def svg_of(html: str, figure_id: str) -> ET.Element:
    start = html.index(f'id="{figure_id}"')
    start = html.index("<svg", start)
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])  # noqa: S314 - our own page


def score_of(response) -> Score:
    return Score.objects.get(response=response, profile=default_profile("rss"))


def test_the_case_manager_sees_radar_timeline_tables_and_the_flag_beside_the_scores(client, cast, story, english_users):
    case, baseline, follow_up = story
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    radar, timeline = svg_of(html, "score-radar"), svg_of(html, "score-timeline")
    assert radar.get("role") == "img" and timeline.get("role") == "img"
    assert {p.get("data-series") for p in radar.iterfind(".//*[@class='point']")} == {"first", "last"}
    first, last = score_of(baseline), score_of(follow_up)
    placed = {
        (p.get("data-series"), p.get("data-axis")): float(p.get("data-value"))
        for p in radar.iterfind(".//*[@class='point']")
    }
    assert placed[("first", "economic")] == pytest.approx(first.economic, abs=1e-4)
    assert placed[("last", "economic")] == pytest.approx(last.economic, abs=1e-4)
    assert last.economic > first.economic
    legend = [t.text for t in radar.iterfind(".//{http://www.w3.org/2000/svg}g[@class='legend-item']/{*}text")]
    assert legend[0].startswith("Baseline") and legend[1].startswith("Follow-up 1")
    table = html[html.index('id="score-table"') :]
    assert f"{first.composite:.2f}" in table and f"{last.composite:.2f}" in table
    assert "Wishes psychological support" in table  # the flag next to the baseline's scores
    assert "Provisional" in html and "rss-provisional" in html and "version 2026.1" in html
    assert "Provisional equal-weight profile" in html
    assert html.index('id="suggested-flags"') < html.index('id="scores"')


def test_the_tab_renders_the_scores_in_french(client, cast, story):
    case, baseline, _follow_up = story
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save()
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    composite = score_of(baseline).composite
    assert f"{composite:.2f}".replace(".", ",") in html  # French decimal comma
    assert "Profil provisoire à pondération égale" in html and "Souhaite un soutien psychologique" in html
    radar = svg_of(html, "score-radar")
    with translation.override("fr"):
        expected = translation.gettext("Economic")
    axis_labels = [t.text for t in radar.iterfind("{*}text") if t.get("font-weight") == "600"]
    assert expected in axis_labels
    ticks = [t.text for t in radar.iterfind("{*}text[@class='tick']")]
    assert ticks[1] == "0,50"


def test_a_dimension_without_enough_answers_is_a_gap_and_is_explained(client, cast, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = rss(cast, case, with_answers(**dict.fromkeys(PSYCHOSOCIAL, "dont_know")))
    score = score_of(response)
    assert score.psychosocial is None and score.economic is not None and score.missing_count >= len(PSYCHOSOCIAL)
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    radar = svg_of(html, "score-radar")
    assert {p.get("data-axis") for p in radar.iterfind(".//*[@class='point']")} == {"economic", "social"}
    assert "Psychosocial not computed" in radar.find("svg:desc", NS).text
    assert 'id="score-gaps"' in html and "not computed" in html[html.index('id="score-table"') :]
    assert f"<td>{score.missing_count}</td>" in html


def test_me_officer_sees_the_scores_of_a_pseudonymised_case(client, cast, story):
    case, _baseline, _follow_up = story
    html = login(client, cast.me_hq).get(tab_url(case)).content.decode()
    assert 'id="score-radar"' in html and 'id="score-timeline"' in html
    assert "Mamadou" not in html  # the pseudonym only


@pytest.mark.parametrize("who", ["cm_bamako", "partner_dakar", "admin", "nobody"])
def test_scores_are_hidden_from_other_offices_and_roles(client, cast, story, who):
    case, _baseline, _follow_up = story
    assert login(client, getattr(cast, who)).get(tab_url(case)).status_code == 404


def test_the_supervisor_sees_the_scores_read_only(client, cast, story):
    case, _baseline, _follow_up = story
    html = login(client, cast.sup_dakar).get(tab_url(case)).content.decode()
    assert 'id="score-radar"' in html


def test_no_card_without_a_scored_response(client, cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    assert 'id="scores"' not in html


def test_the_tab_keeps_its_query_budget_whatever_the_number_of_occasions(client, cast, django_assert_max_num_queries):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    give_monitoring_consent(case, cast.sup_dakar)
    rss(cast, case, MIDDLE)
    login(client, cast.cm_dakar)
    client.get(tab_url(case))
    with django_assert_max_num_queries(14) as one:
        client.get(tab_url(case))
    for number in range(1, 5):
        rss(cast, case, MIDDLE, occasion="follow_up", number=number, day=date(2025, 3 + number, 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(tab_url(case))
    assert page.content.decode().count('class="occasion"') == 5


def test_a_profile_with_bands_shows_each_score_band_and_no_provisional_badge(client, cast, english_users):
    text = services_scoring.PROVISIONAL_PROFILE.read_text(encoding="utf-8")
    text = text.replace('version: "2026.1"', 'version: "2026.9"').replace("provisional: true", "provisional: false")
    text = text.replace(
        "bands: []",
        "bands:\n"
        "  - {scope: composite, from: 0, to: 0.5, label: {en: Fragile, fr: Fragile}}\n"
        "  - {scope: composite, from: 0.5, to: 1, label: {en: Sustainable, fr: Durable}}\n",
    )
    profile = services_scoring.profile_load(actor=cast.me_hq, source_text=text, make_default=True)
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = rss(cast, case, MIDDLE)
    score = Score.objects.get(response=response, profile=profile)
    expected = "Fragile" if score.composite < 0.5 else "Sustainable"
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    table = html[html.index('id="score-table"') :]
    assert f'<span class="badge">{expected}</span>' in table and "2026.9" in table
    assert 'id="score-bands"' in html and 'id="provisional-profile"' not in html


def test_after_a_change_of_default_profile_the_card_keeps_the_profile_that_scored_the_case(client, cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    rss(cast, case, MIDDLE)
    text = services_scoring.PROVISIONAL_PROFILE.read_text(encoding="utf-8").replace(
        'version: "2026.1"', 'version: "2026.8"'
    )
    services_scoring.profile_load(actor=cast.me_hq, source_text=text, make_default=True)
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    table = html[html.index('id="score-table"') :]
    assert "2026.1" in table and "2026.8" not in table
