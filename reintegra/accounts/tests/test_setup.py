"""Programme set-up: administrators manage the offices and programmes of the offices they administer."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reintegra.accounts import services
from reintegra.accounts.models import ApiToken, Membership, Office, Programme, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
OFFICES = reverse("accounts:office_list")
OFFICE_NEW = reverse("accounts:office_create")
PROGRAMMES = reverse("accounts:programme_list")
PROGRAMME_NEW = reverse("accounts:programme_create")
NON_ADMINS = ["cm_dakar", "sup_dakar", "pm_dakar", "me_hq", "partner_dakar", "cp_dakar", "nobody"]


def office_url(office):
    return reverse("accounts:office_edit", args=[office.pk])


def programme_url(programme):
    return reverse("accounts:programme_edit", args=[programme.pk])


@pytest.fixture
def admin_dakar(cast):
    user = User.objects.create_user(username="admin.dakar", password=PASSWORD, language="en")
    Membership.objects.create(user=user, office=cast.dakar, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def mali_programme(cast):
    programme = Programme.objects.create(
        name="Programme Mali", code="ml-2026", currency="XOF", start_date=date(2026, 1, 1)
    )
    programme.offices.set([cast.bamako])
    return programme


@pytest.fixture
def regional_programme(cast):
    programme = Programme.objects.create(
        name="Programme régional", code="sahel-2026", currency="EUR", start_date=date(2026, 1, 1)
    )
    programme.offices.set([cast.dakar, cast.bamako])
    return programme


def office_data(**extra):
    return {"name": "Kolda", "code": "KLD", "country": "SN", "language": "fr", **extra}


def programme_data(chosen, **extra):
    data = {
        "name": "Programme Kolda",
        "code": "kolda-2026",
        "currency": "XOF",
        "start_date": "2026-03-01",
        "end_date": "2027-02-28",
        "per_returnee_cap": "1500000",
        "cash_approval_threshold": "250000",
        "plan_due_days": "30",
        "offices": [o.pk for o in chosen],
    }
    return {**data, **extra}


class Api:
    """GET /api/v1/... as a user, with a personal token (None: anonymous)."""

    def __init__(self, client, user):
        self.client, self.headers = client, {}
        if user is not None:
            raw = ApiToken.generate()
            ApiToken.objects.create(user=user, name="tests", digest=ApiToken.digest_of(raw), prefix=raw[:8])
            self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get("/api/v1" + path, headers=self.headers)


@pytest.fixture
def api_as(client):
    return lambda user: Api(client, user)


def events(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


# ------------------------------------------------------------------ who sees the pages


@pytest.mark.parametrize("url", [OFFICES, OFFICE_NEW, PROGRAMMES, PROGRAMME_NEW])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("username", NON_ADMINS)
def test_it_hides_set_up_pages_from_every_other_role(client, cast, username):
    client.force_login(getattr(cast, username))
    for url in [OFFICES, OFFICE_NEW, office_url(cast.dakar), PROGRAMMES, PROGRAMME_NEW, programme_url(cast.programme)]:
        assert client.get(url).status_code == 404, url
    assert client.post(OFFICE_NEW, office_data(parent=cast.dakar.pk)).status_code == 404
    assert client.post(PROGRAMME_NEW, programme_data([cast.dakar])).status_code == 404
    assert not Office.objects.filter(code="KLD").exists()
    assert not Programme.objects.filter(code="kolda-2026").exists()


def test_dakar_admin_sees_dakar_and_tambacounda_as_a_tree_not_bamako(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    response = client.get(OFFICES)
    assert response.status_code == 200
    assert [(row.office.name, row.depth) for row in response.context["rows"]] == [("Dakar", 0), ("Tambacounda", 1)]
    assert b"Bamako" not in response.content
    assert client.get(office_url(cast.bamako)).status_code == 404


def test_user_management_links_to_offices_and_programmes(client, admin_dakar):
    client.force_login(admin_dakar)
    content = client.get(reverse("accounts:user_list")).content.decode()
    assert f'href="{OFFICES}"' in content and f'href="{PROGRAMMES}"' in content


def test_office_list_query_count_does_not_grow_with_offices(client, cast, admin_dakar, django_assert_max_num_queries):
    for i in range(20):
        Office.objects.create(
            name=f"Bureau {i}", code=f"B{i:02d}", country="SN", kind=Office.Kind.SUB, parent=cast.tamba
        )
    client.force_login(admin_dakar)
    with django_assert_max_num_queries(10):
        response = client.get(OFFICES)
    assert len(response.context["rows"]) == 22
    assert {row.depth for row in response.context["rows"]} == {0, 1, 2}


# ------------------------------------------------------------------ offices


def test_admin_creates_a_sub_office_prefilled_from_its_parent(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    form = client.get(OFFICE_NEW, {"parent": cast.dakar.pk}).context["form"]
    assert form["country"].value() == "SN" and form["parent"].value() == cast.dakar.pk
    response = client.post(OFFICE_NEW, office_data(code="kld", country="sn", parent=cast.dakar.pk))
    assert response.status_code == 302
    kolda = Office.objects.get(name="Kolda")
    assert (kolda.code, kolda.country, kolda.kind, kolda.parent) == ("KLD", "SN", Office.Kind.SUB, cast.dakar)
    (event,) = events(AuditEvent.Type.OFFICE_CREATED)
    assert event.actor == admin_dakar and event.office_id == kolda.pk
    assert event.changes["code"] == "KLD" and event.changes["parent_id"] == cast.dakar.pk


def test_admin_cannot_create_a_sub_office_under_an_office_they_do_not_administer(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    response = client.post(OFFICE_NEW, office_data(country="ML", parent=cast.bamako.pk))
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    assert not Office.objects.filter(code="KLD").exists()
    with pytest.raises(PermissionDenied):
        services.office_create(actor=admin_dakar, name="Kayes", code="KYS", country="ML", parent=cast.bamako)
    with pytest.raises(PermissionDenied):
        services.office_create(actor=admin_dakar, name="Thiès", code="THS", country="SN")


def test_a_duplicate_code_in_the_country_is_refused_and_the_typing_kept(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    response = client.post(OFFICE_NEW, office_data(name="Kolda", code="TBA", parent=cast.dakar.pk))
    assert response.status_code == 400
    assert "already uses the code TBA" in str(response.context["form"].errors["code"])
    assert response.context["form"]["name"].value() == "Kolda"
    # The same code in another country is fine (codes are unique per country).
    office = services.office_create(actor=admin_dakar, name="Tabou", code="BKO", country="SN", parent=cast.dakar)
    assert office.code == "BKO"


@pytest.mark.parametrize(
    ("field", "value"), [("country", "S1"), ("country", "SEN"), ("code", "D-K"), ("code", "K"), ("name", "")]
)
def test_bad_office_fields_are_explained(client, cast, admin_dakar, field, value):
    client.force_login(admin_dakar)
    response = client.post(OFFICE_NEW, office_data(parent=cast.dakar.pk, **{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Office.objects.filter(name="Kolda").exists()


def test_admin_edits_a_sub_office_and_the_audit_shows_old_and_new(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    form = client.get(office_url(cast.tamba)).context["form"]
    assert "parent" in form.fields and "kind" in form.fields
    assert "Case numbers already given keep the old code" in str(form["code"].help_text)
    data = office_data(name="Tambacounda (Est)", code="TAM", language="en", kind="sub", parent=cast.dakar.pk)
    response = client.post(office_url(cast.tamba), data)
    assert response.status_code == 302
    cast.tamba.refresh_from_db()
    assert (cast.tamba.name, cast.tamba.code, cast.tamba.language) == ("Tambacounda (Est)", "TAM", "en")
    (event,) = events(AuditEvent.Type.OFFICE_UPDATED)
    assert event.actor == admin_dakar
    assert event.changes == {
        "name": ["Tambacounda", "Tambacounda (Est)"],
        "code": ["TBA", "TAM"],
        "language": ["fr", "en"],
    }


def test_a_code_change_keeps_existing_case_numbers_and_uses_the_new_code_for_new_cases(cast, admin_dakar):
    old_case = cast.case(cast.tamba)
    services.office_update(
        actor=admin_dakar,
        office=cast.tamba,
        name="Tambacounda",
        code="TAM",
        country="SN",
        language="fr",
        parent=cast.dakar,
    )
    old_case.refresh_from_db()
    assert old_case.number.startswith("SN-TBA-")
    cast.tamba.refresh_from_db()
    assert cast.case(cast.tamba, given="Awa", family="Sow", birth=date(1991, 2, 2)).number.startswith("SN-TAM-")


def test_a_code_found_in_case_numbers_cannot_be_taken_again(client, cast, admin_dakar):
    cast.case(cast.tamba)
    services.office_update(
        actor=admin_dakar,
        office=cast.tamba,
        name="Tambacounda",
        code="TAM",
        country="SN",
        language="fr",
        parent=cast.dakar,
    )
    client.force_login(admin_dakar)
    response = client.post(OFFICE_NEW, office_data(code="TBA", parent=cast.dakar.pk))
    assert response.status_code == 400
    assert "SN-TBA-" in str(response.context["form"].errors["code"])


def test_a_country_office_keeps_its_kind_and_has_no_parent_field(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    form = client.get(office_url(cast.dakar)).context["form"]
    assert "parent" not in form.fields and "kind" not in form.fields
    response = client.post(office_url(cast.dakar), office_data(name="Dakar (bureau pays)", code="DKR"))
    assert response.status_code == 302
    cast.dakar.refresh_from_db()
    assert cast.dakar.name == "Dakar (bureau pays)" and cast.dakar.parent is None


def test_a_sub_office_cannot_be_moved_under_itself_or_its_own_sub_office(client, cast, admin_dakar):
    kedougou = Office.objects.create(name="Kédougou", code="KDG", country="SN", kind=Office.Kind.SUB, parent=cast.tamba)
    client.force_login(admin_dakar)
    form = client.get(office_url(cast.tamba)).context["form"]
    assert {value for value, _label in form.fields["parent"].choices} == {"", cast.dakar.pk}
    with pytest.raises(ValidationError) as error:
        services.office_update(
            actor=admin_dakar,
            office=cast.tamba,
            name="Tambacounda",
            code="TBA",
            country="SN",
            language="fr",
            parent=kedougou,
        )
    assert "parent" in error.value.message_dict
    cast.tamba.refresh_from_db()
    assert cast.tamba.parent == cast.dakar


def test_a_sub_office_moves_only_under_another_administered_office(cast, admin_dakar):
    kedougou = Office.objects.create(name="Kédougou", code="KDG", country="SN", kind=Office.Kind.SUB, parent=cast.tamba)
    services.office_update(
        actor=admin_dakar, office=kedougou, name="Kédougou", code="KDG", country="SN", language="fr", parent=cast.dakar
    )
    assert Office.objects.get(pk=kedougou.pk).parent == cast.dakar
    with pytest.raises(ValidationError) as error:
        services.office_update(
            actor=admin_dakar,
            office=kedougou,
            name="Kédougou",
            code="KDG",
            country="SN",
            language="fr",
            parent=cast.bamako,
        )
    assert "parent" in error.value.message_dict


def test_an_administrator_of_the_sub_office_alone_edits_it_where_it_stands(client, cast):
    admin = User.objects.create_user(username="admin.tamba", password=PASSWORD, language="en")
    Membership.objects.create(user=admin, office=cast.tamba, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    form = client.get(office_url(cast.tamba)).context["form"]
    assert [value for value, _label in form.fields["parent"].choices] == ["", cast.dakar.pk]
    data = office_data(name="Tambacounda (Est)", code="TBA", kind="sub", parent=cast.dakar.pk)
    assert client.post(office_url(cast.tamba), data).status_code == 302
    cast.tamba.refresh_from_db()
    assert (cast.tamba.name, cast.tamba.parent) == ("Tambacounda (Est)", cast.dakar)
    assert client.get(office_url(cast.dakar)).status_code == 404


def test_only_an_administrator_of_the_sub_office_itself_may_make_it_a_country_office(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    data = office_data(name="Tambacounda", code="TBA", kind="country", parent="")
    response = client.post(office_url(cast.tamba), data)
    assert response.status_code == 400 and "kind" in response.context["form"].errors
    Membership.objects.create(user=admin_dakar, office=cast.tamba, role=Role.ADMINISTRATOR)
    assert client.post(office_url(cast.tamba), data).status_code == 302
    cast.tamba.refresh_from_db()
    assert (cast.tamba.kind, cast.tamba.parent) == (Office.Kind.COUNTRY, None)


def test_bamako_admin_cannot_edit_dakar(client, cast):
    admin = User.objects.create_user(username="admin.bamako", password=PASSWORD)
    Membership.objects.create(user=admin, office=cast.bamako, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.post(office_url(cast.dakar), office_data(name="Pirate", code="DKR")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.office_update(actor=admin, office=cast.dakar, name="Pirate", code="DKR", country="SN", language="fr")
    cast.dakar.refresh_from_db()
    assert cast.dakar.name == "Dakar"


# ------------------------------------------------------------------ programmes


def test_dakar_admin_lists_programmes_of_dakar_and_tambacounda_only(
    client, cast, admin_dakar, mali_programme, regional_programme, django_assert_max_num_queries
):
    client.force_login(admin_dakar)
    with django_assert_max_num_queries(10):
        response = client.get(PROGRAMMES)
    rows = dict(response.context["rows"])
    assert set(rows) == {cast.programme, regional_programme}
    assert rows[cast.programme] is True and rows[regional_programme] is False
    assert b"Programme Mali" not in response.content
    assert client.get(programme_url(mali_programme)).status_code == 404


def test_programme_list_query_count_does_not_grow_with_programmes(
    client, cast, admin_dakar, django_assert_max_num_queries
):
    for i in range(20):
        programme = Programme.objects.create(name=f"P{i}", code=f"p-{i}", currency="XOF", start_date=date(2026, 1, 1))
        programme.offices.set([cast.dakar, cast.tamba])
    client.force_login(admin_dakar)
    with django_assert_max_num_queries(10):
        assert len(client.get(PROGRAMMES).context["rows"]) == 21


def test_admin_creates_a_programme_in_their_offices_and_it_is_audited(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    response = client.post(PROGRAMME_NEW, programme_data([cast.dakar, cast.tamba], currency="xof"))
    assert response.status_code == 302
    programme = Programme.objects.get(code="kolda-2026")
    assert programme.currency == "XOF" and programme.per_returnee_cap == Decimal("1500000")
    assert set(programme.offices.all()) == {cast.dakar, cast.tamba}
    (event,) = events(AuditEvent.Type.PROGRAMME_CREATED)
    assert event.actor == admin_dakar and event.office_id == cast.dakar.pk
    assert event.changes["offices"] == sorted([cast.dakar.pk, cast.tamba.pk])
    assert event.changes["end_date"] == "2027-02-28"


def test_a_programme_cannot_run_in_an_office_the_admin_does_not_administer(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    response = client.post(PROGRAMME_NEW, programme_data([cast.dakar, cast.bamako]))
    assert response.status_code == 400 and "offices" in response.context["form"].errors
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=admin_dakar,
            data=services.ProgrammeInput(name="X", code="x", currency="XOF", start_date=date(2026, 1, 1)),
            offices=[cast.bamako],
        )
    assert not Programme.objects.filter(code__in=["kolda-2026", "x"]).exists()


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("end_date", {"end_date": "2026-01-01"}),
        ("currency", {"currency": "EU1"}),
        ("currency", {"currency": "EURO"}),
        ("code", {"code": "sn-2026"}),
        ("code", {"code": "Kolda 2026!"}),
        ("per_returnee_cap", {"per_returnee_cap": "-1"}),
        ("cash_approval_threshold", {"cash_approval_threshold": "-0.01"}),
        ("plan_due_days", {"plan_due_days": "0"}),
        ("plan_due_days", {"plan_due_days": "366"}),
        ("offices", {"offices": []}),
    ],
)
def test_bad_programme_fields_are_explained_and_the_typing_kept(client, cast, admin_dakar, field, extra):
    client.force_login(admin_dakar)
    response = client.post(PROGRAMME_NEW, programme_data([cast.dakar], **extra))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert form["name"].value() == "Programme Kolda" and form["start_date"].value() == "2026-03-01"
    assert not Programme.objects.filter(name="Programme Kolda").exists()


def test_the_end_date_rule_is_a_validation_error_in_the_service_too(cast, admin_dakar):
    data = services.ProgrammeInput(
        name="X", code="x", currency="XOF", start_date=date(2026, 6, 1), end_date=date(2026, 5, 31)
    )
    with pytest.raises(ValidationError) as error:
        services.programme_create(actor=admin_dakar, data=data, offices=[cast.dakar])
    assert "end_date" in error.value.message_dict


def test_admin_edits_a_programme_of_their_offices_and_the_audit_shows_old_and_new(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    data = programme_data(
        [cast.dakar], name="Programme Sénégal", code="sn-2026", end_date="", cash_approval_threshold=""
    )
    response = client.post(programme_url(cast.programme), {**data, "plan_due_days": "45"})
    assert response.status_code == 302
    cast.programme.refresh_from_db()
    assert cast.programme.plan_due_days == 45 and list(cast.programme.offices.all()) == [cast.dakar]
    (event,) = events(AuditEvent.Type.PROGRAMME_UPDATED)
    assert event.changes["plan_due_days"] == [30, 45]
    assert event.changes["start_date"] == ["2026-01-01", "2026-03-01"]
    assert event.changes["offices"] == [sorted([cast.dakar.pk, cast.tamba.pk]), [cast.dakar.pk]]


def test_saving_a_programme_unchanged_writes_no_event(client, cast, admin_dakar):
    cast.programme.per_returnee_cap = Decimal("100.00")
    cast.programme.save()
    client.force_login(admin_dakar)
    data = programme_data(
        [cast.dakar, cast.tamba],
        name=cast.programme.name,
        code="sn-2026",
        start_date="2026-01-01",
        end_date="",
        per_returnee_cap="100",
        cash_approval_threshold="",
    )
    assert client.post(programme_url(cast.programme), data).status_code == 302
    assert events(AuditEvent.Type.PROGRAMME_UPDATED) == []


def test_a_programme_also_run_by_an_office_the_admin_does_not_administer_is_read_only(
    client, cast, admin_dakar, regional_programme
):
    client.force_login(admin_dakar)
    response = client.get(programme_url(regional_programme))
    assert response.status_code == 200
    assert response.context["form"] is None and response.context["editable"] is False
    assert b"Bamako" in response.content
    data = programme_data([cast.dakar], name="Renamed", code="sahel-2026")
    assert client.post(programme_url(regional_programme), data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.programme_update(
            actor=admin_dakar,
            programme=regional_programme,
            data=services.ProgrammeInput(
                name="Renamed", code="sahel-2026", currency="EUR", start_date=date(2026, 1, 1)
            ),
            offices=[cast.dakar],
        )
    regional_programme.refresh_from_db()
    assert regional_programme.name == "Programme régional"


def test_an_admin_of_both_countries_edits_the_regional_programme(client, cast, regional_programme):
    client.force_login(cast.admin)
    data = programme_data([cast.dakar, cast.bamako], name="Sahel", code="sahel-2026", currency="EUR")
    assert client.post(programme_url(regional_programme), data).status_code == 302
    regional_programme.refresh_from_db()
    assert regional_programme.name == "Sahel"


def test_a_failed_programme_edit_keeps_the_typing_and_the_page_title(client, cast, admin_dakar):
    client.force_login(admin_dakar)
    data = programme_data([cast.dakar], name="Nouveau nom", code="sn-2026", end_date="2025-01-01")
    response = client.post(programme_url(cast.programme), data)
    assert response.status_code == 400
    assert response.context["form"]["name"].value() == "Nouveau nom"
    assert response.context["subject"].name == "Programme Sénégal"
    cast.programme.refresh_from_db()
    assert cast.programme.name == "Programme Sénégal"


def test_pages_render_in_french(client, cast, admin_dakar):
    admin_dakar.language = "fr"
    admin_dakar.save()
    client.force_login(admin_dakar)
    assert "Bureaux" in client.get(OFFICES).content.decode()
    assert "Nouveau programme" in client.get(PROGRAMMES).content.decode()


# ------------------------------------------------------------------ API


def test_api_lists_offices_and_programmes_in_reach_of_any_role(cast, api_as, mali_programme, regional_programme):
    offices = api_as(cast.sup_dakar).get("/offices").json()
    assert {o["name"] for o in offices} == {"Dakar", "Tambacounda"}
    tamba = next(o for o in offices if o["name"] == "Tambacounda")
    assert tamba == {
        "id": cast.tamba.pk,
        "name": "Tambacounda",
        "code": "TBA",
        "country": "SN",
        "kind": "sub",
        "parent": cast.dakar.pk,
        "language": "fr",
    }
    programmes = {p["code"]: p for p in api_as(cast.sup_dakar).get("/programmes").json()}
    assert set(programmes) == {"sn-2026", "sahel-2026"}
    assert programmes["sahel-2026"]["offices"] == [cast.dakar.pk]  # Bamako is outside the reach
    assert programmes["sn-2026"]["start_date"] == "2026-01-01"


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("cm_tamba", {"Tambacounda"}),
        ("cm_bamako", {"Bamako"}),
        ("me_hq", {"Dakar", "Tambacounda", "Bamako"}),
        ("partner_dakar", {"Dakar"}),
        ("admin", {"Dakar", "Tambacounda", "Bamako"}),
        ("nobody", set()),
    ],
)
def test_api_office_list_follows_each_role(cast, api_as, username, expected):
    response = api_as(getattr(cast, username)).get("/offices")
    assert response.status_code == 200
    assert {o["name"] for o in response.json()} == expected


def test_api_programme_list_hides_programmes_outside_reach(cast, api_as, mali_programme):
    assert [p["code"] for p in api_as(cast.cm_bamako).get("/programmes").json()] == ["ml-2026"]
    assert api_as(cast.nobody).get("/programmes").json() == []


def test_api_lists_need_authentication(api_as):
    assert api_as(None).get("/offices").status_code == 401
    assert api_as(None).get("/programmes").status_code == 401


def test_api_programme_list_query_count_is_flat(cast, api_as, django_assert_max_num_queries):
    for i in range(20):
        programme = Programme.objects.create(name=f"P{i}", code=f"p-{i}", currency="XOF", start_date=date(2026, 1, 1))
        programme.offices.set([cast.dakar, cast.bamako])
    client = api_as(cast.me_hq)
    with django_assert_max_num_queries(8):
        assert len(client.get("/programmes").json()) == 21
