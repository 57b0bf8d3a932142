import pytest

from reintegra.lib.names import fold, name_keys, normalise_document, normalise_phone, phone_tail, phonetic_name


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("Mamadu Dialo", "Mamadou Diallo"),
        ("Fatumata Toure", "Fatoumata Touré"),
        ("Mussa Keita", "Moussa Keïta"),
        ("Usman Sow", "Ousmane Sow"),
        ("Ndeye Fall", "Ndèye Fall"),
        ("Diallo Mamadou", "Mamadou Diallo"),
        ("Abdulaye Djalo", "Abdoulaye Jalo"),
    ],
)
def test_spelling_variants_share_a_phonetic_name(typed, registered):
    assert phonetic_name(typed) == phonetic_name(registered)


def test_different_names_keep_different_keys():
    assert phonetic_name("Aminata Traoré") != phonetic_name("Mariama Coulibaly")
    assert name_keys("Sow") != name_keys("Sy")


def test_fold_removes_accents_apostrophes_and_hyphens():
    assert fold("  N'Diaye-Ségou  Éloïse ") == "ndiaye segou eloise"


def test_phone_tail_matches_with_or_without_country_code():
    assert phone_tail("+221 77 123 45 67") == phone_tail("77 123 45 67") == "71234567"
    assert normalise_phone("00221 77-123-45-67") == "221771234567"


def test_document_numbers_ignore_spacing_and_case():
    assert normalise_document("a 12-345 / b") == normalise_document("A12345B") == "A12345B"
