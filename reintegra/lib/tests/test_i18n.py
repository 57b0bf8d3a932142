from django.utils import translation

from reintegra.lib.i18n import in_language


def test_the_active_language_picks_the_text():
    with translation.override("fr"):
        assert in_language("Vocational training", "Formation professionnelle") == "Formation professionnelle"
    with translation.override("en"):
        assert in_language("Vocational training", "Formation professionnelle") == "Vocational training"


def test_an_explicit_language_wins_over_the_active_one():
    with translation.override("en"):
        assert in_language("Income", "Revenu", "fr-fr") == "Revenu"


def test_a_missing_translation_falls_back_to_the_other_language():
    assert in_language("Housing", "", "fr") == "Housing"
    assert in_language("", "Logement", "en") == "Logement"
