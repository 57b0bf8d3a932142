from reintegra.cases.selectors import cases_for, duplicate_candidates


def test_story_dakar_case_is_hidden_from_bamako(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    assert list(cases_for(cast.cm_dakar)) == [case]
    assert list(cases_for(cast.cm_bamako)) == []
    assert list(cases_for(cast.me_hq)) == [case]
    found = duplicate_candidates(cast.cm_dakar, given_names="Mamadu", family_name="Dialo", birth_date=None)
    assert [c.person for c in found] == [case.person]
