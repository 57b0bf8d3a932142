"""Weights calibration: PCA on data with a known structure, the page's permissions and saving a profile."""

import random
from datetime import date

import numpy as np
import pytest
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.demo.assessments import BEST_FIRST, RSS_ITEMS
from reintegra.instruments.models import Occasion, Response
from reintegra.instruments.selectors import current_version
from reintegra.scoring.calibration import MIN_N, _exact, first_component
from reintegra.scoring.models import ScoringProfile

IDS = ["a", "b", "c", "d", "noise"]


def factor_data(n=2000, seed=3) -> np.ndarray:
    """Four indicators driven by one latent factor (with different strengths) and one pure noise column."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    columns = [s * latent + rng.normal(scale=0.6, size=n) for s in (1.0, 0.9, 0.8, 0.7)]
    columns.append(rng.normal(size=n))
    return np.column_stack(columns)


def test_a_pure_noise_indicator_gets_a_small_weight():
    component = first_component(factor_data(), IDS, "economic")
    assert component.ok and component.n == 2000
    assert sum(component.weights.values()) == pytest.approx(1.0)
    assert component.weights["noise"] < 0.01
    assert min(component.weights[k] for k in "abcd") > 0.15
    assert component.weights["a"] > component.weights["b"] > component.weights["c"] > component.weights["d"]
    assert all(component.loadings[k] > 0.6 for k in "abcd")
    assert 0.5 < component.explained < 0.8


def test_the_sign_of_the_component_does_not_change_the_weights():
    data = factor_data()
    plus = first_component(data, IDS, "social")
    minus = first_component(-data, IDS, "social")
    assert minus.weights == pytest.approx(plus.weights)
    assert all(minus.loadings[k] > 0 for k in "abcd")


def test_an_indicator_measured_backwards_is_flagged():
    data = factor_data()
    data[:, 1] = -data[:, 1]
    component = first_component(data, IDS, "social")
    assert component.opposite == ["b"]
    assert component.weights["b"] > 0.15  # squared loadings: its weight stays, the flag asks for review


def test_missing_values_are_deleted_listwise_and_constants_get_weight_zero():
    data = factor_data(n=200)
    data[:50, 0] = np.nan
    data[:, 2] = 0.5
    component = first_component(data, IDS, "psychosocial")
    assert component.n == 150
    assert component.constant == ["c"] and component.weights["c"] == 0.0
    assert sum(component.weights.values()) == pytest.approx(1.0)


def test_too_few_complete_responses_give_a_clear_message():
    component = first_component(factor_data(n=MIN_N - 1), IDS, "economic")
    assert not component.ok
    assert "at least 30" in component.error
    assert component.weights == {}


def test_saved_weights_are_rounded_to_sum_exactly_to_one():
    weights = _exact({"x": 1 / 3, "y": 1 / 3, "z": 1 / 3})
    assert abs(sum(weights.values()) - 1) < 1e-9


# --- the page ------------------------------------------------------------------------------------


def answers(rng: random.Random, level: float) -> dict:
    result = {}
    for items in RSS_ITEMS.values():
        for name, scale in items.items():
            options = BEST_FIRST[scale]
            value = min(1.0, max(0.0, level + rng.gauss(0, 0.2)))
            result[name] = (
                options[round((1 - value) * (len(options) - 1))]
                if len(options) > 2
                else (options[0] if rng.random() < value else options[1])
            )
    result["s4_children_in_school"] = "yes" if rng.random() < level else "no"
    result["s6a_has_id_document"] = "yes" if rng.random() < level else "no"
    return result


@pytest.fixture
def responses(cast):
    rng = random.Random(7)
    cases = [cast.case(cast.dakar, given=f"R{i}") for i in range(3)]
    version = current_version("rss")
    for i in range(60):
        Response.objects.create(
            case=cases[i % 3],
            instrument_version=version,
            occasion=Occasion.BASELINE,
            interview_date=date(2026, 2, 1),
            status=Response.Status.SUBMITTED,
            answers=answers(rng, rng.random()),
            created_by=cast.cm_dakar,
        )


@pytest.mark.parametrize("who", ["me_hq", "admin"])
def test_me_officers_and_administrators_analyse(client, cast, responses, who, english_users):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("scoring:calibration"), {"occasion": "baseline"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "60 submitted responses match" in html
    assert 'id="save"' in html
    for text in (
        "Sample size",
        "Representativeness",
        "Sign indeterminacy",
        "not comparable with IOM-published",
        "Review",
    ):
        assert text in html


@pytest.mark.parametrize("who", ["cm_dakar", "sup_dakar", "pm_dakar", "partner_dakar", "cp_dakar", "nobody"])
def test_other_roles_get_404(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("scoring:calibration")).status_code == 404
    assert client.post(reverse("scoring:calibration"), {"code": "x"}).status_code == 404


def test_another_offices_responses_are_not_analysed(client, cast, responses, english_users):
    client.force_login(cast.me_hq)
    html = client.get(reverse("scoring:calibration"), {"programme": "", "occasion": "all"}).content.decode()
    assert "60 submitted responses match" in html
    from reintegra.accounts.models import Membership, Role, User

    bamako_me = User.objects.create_user(username="me.bamako", password="x", language="en")
    Membership.objects.create(user=bamako_me, office=cast.bamako, role=Role.ME_OFFICER)
    client.force_login(bamako_me)
    html = client.get(reverse("scoring:calibration"), {"occasion": "all"}).content.decode()
    assert 'id="not-enough"' in html and 'id="save"' not in html


def test_saving_creates_a_provisional_non_default_profile(client, cast, responses, english_users):
    active = ScoringProfile.objects.get(is_default=True)
    client.force_login(cast.me_hq)
    url = reverse("scoring:calibration") + "?occasion=baseline"
    data = {
        "code": "rss-pca",
        "version": "2026.2",
        "name_en": "PCA weights",
        "name_fr": "Pondérations ACP",
        "status": "active",
        "composite": "pca",
    }
    response = client.post(url, data)
    saved = ScoringProfile.objects.get(code="rss-pca")
    assert response.status_code == 302 and response["Location"] == reverse("scoring:profile_detail", args=[saved.pk])
    assert saved.provisional and not saved.is_default and saved.status == "active"
    assert ScoringProfile.objects.get(pk=active.pk).is_default
    for weights in saved.definition["dimension_weights"].values():
        assert sum(weights.values()) == pytest.approx(1.0, abs=1e-9)
    assert saved.definition["composite_over"] == "indicators"
    assert sum(saved.definition["composite_weights"].values()) == pytest.approx(1.0, abs=1e-9)
    assert "PCA weights" in saved.source_note and "n=" in saved.source_note
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.PROFILE_LOADED, actor=cast.me_hq).exists()
    again = client.post(url, data | {"name_en": "Other"})
    assert again.status_code == 400 and b"already loaded with different content" in again.content


def test_keeping_the_composite_weights_and_a_bad_code(client, cast, responses, english_users):
    client.force_login(cast.me_hq)
    url = reverse("scoring:calibration") + "?occasion=baseline"
    data = {"code": "bad code!", "version": "1", "name_en": "x", "name_fr": "x", "status": "draft", "composite": "keep"}
    response = client.post(url, data)
    assert response.status_code == 400 and b"Use letters, digits" in response.content
    response = client.post(url, data | {"code": "rss-pca-keep"})
    saved = ScoringProfile.objects.get(code="rss-pca-keep")
    assert saved.status == "draft" and saved.definition["composite_over"] == "dimensions"
