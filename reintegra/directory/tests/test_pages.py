"""Permission stories for every directory page: each role of the cast, own and other office, partners."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.directory.models import Agreement, Organisation, Service
from reintegra.tests.cast import PASSWORD

STAFF = ["admin", "cm_dakar", "cm_tamba", "cm_bamako", "sup_dakar", "sup_bamako", "pm_dakar", "me_hq", "cp_dakar"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("who", STAFF)
def test_every_staff_member_reads_the_whole_directory(client, cast, directory, who):
    login(client, getattr(cast, who))
    response = client.get(reverse("directory:search"))
    assert response.status_code == 200
    for name in ("Formation couture", "Soins de santé mentale", "Cartes d&#x27;identité"):
        assert name in response.content.decode()
    assert client.get(directory.clinic.get_absolute_url()).status_code == 200
    assert client.get(directory.tailoring.get_absolute_url()).status_code == 200


def test_a_partner_sees_only_their_own_organisation(client, cast, directory):
    login(client, cast.partner_dakar)
    page = client.get(reverse("directory:search")).content.decode()
    assert "Formation couture" in page
    assert "Soins de santé mentale" not in page
    assert client.get(directory.jappo.get_absolute_url()).status_code == 200
    assert client.get(directory.clinic.get_absolute_url()).status_code == 404
    assert client.get(directory.clinic_care.get_absolute_url()).status_code == 404
    organisations = client.get(reverse("directory:organisations")).content.decode()
    assert "ONG Jappo" in organisations and "Clinique du Fleuve" not in organisations


def test_a_partner_cannot_change_their_own_organisation(client, cast, directory):
    login(client, cast.partner_dakar)
    assert client.get(reverse("directory:organisation_edit", args=[directory.jappo.pk])).status_code == 403
    assert client.get(reverse("directory:service_edit", args=[directory.tailoring.pk])).status_code == 403
    assert client.get(reverse("directory:import")).status_code == 403


def test_a_partner_without_a_profile_sees_nothing(client, cast, directory):
    directory.jappo.partner_profiles.all().delete()
    login(client, cast.partner_dakar)
    assert client.get(reverse("directory:search")).status_code == 403
    assert client.get(directory.jappo.get_absolute_url()).status_code == 403


def test_a_user_without_membership_is_refused(client, cast, directory):
    login(client, cast.nobody)
    assert client.get(reverse("directory:search")).status_code == 403
    assert client.get(directory.jappo.get_absolute_url()).status_code == 403


@pytest.mark.parametrize(
    "name", ["search", "organisations", "agreements_expiring", "import", "export", "organisation_create"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, directory, name):
    response = client.get(reverse(f"directory:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# Who may open the edit form of each organisation (managed by Dakar, by Bamako, by no office).
EDITORS = [
    ("pm_dakar", "jappo", 200),
    ("pm_dakar", "clinic", 403),  # another country office
    ("pm_dakar", "ministry", 403),  # no office: administrators only
    ("admin", "jappo", 200),
    ("admin", "clinic", 200),
    ("admin", "ministry", 200),
    ("sup_dakar", "jappo", 403),  # supervisors read only
    ("cm_dakar", "jappo", 403),
    ("me_hq", "jappo", 403),
    ("cp_dakar", "jappo", 403),
    ("sup_bamako", "clinic", 403),
]


@pytest.mark.parametrize(("who", "entry", "status"), EDITORS)
def test_who_may_edit_an_organisation_and_its_services(client, cast, directory, who, entry, status):
    login(client, getattr(cast, who))
    organisation = getattr(directory, entry)
    assert client.get(reverse("directory:organisation_edit", args=[organisation.pk])).status_code == status
    assert client.get(reverse("directory:service_create", args=[organisation.pk])).status_code == status
    assert client.get(reverse("directory:agreement_create", args=[organisation.pk])).status_code == status
    service = organisation.services.first()
    assert client.get(reverse("directory:service_edit", args=[service.pk])).status_code == status


def test_a_programme_manager_of_dakar_manages_entries_of_its_sub_office(client, cast, directory):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:organisation_create"),
        {"name": "Tamba Jeunes", "kind": "community", "office": cast.tamba.pk, "active": "on"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Tamba Jeunes").office == cast.tamba


@pytest.mark.parametrize(("who", "status"), [("pm_dakar", 200), ("admin", 200), ("sup_dakar", 403), ("cm_dakar", 403)])
def test_who_may_add_an_organisation(client, cast, directory, who, status):
    login(client, getattr(cast, who))
    assert client.get(reverse("directory:organisation_create")).status_code == status


def test_adding_an_organisation_is_audited(client, cast, directory):
    login(client, cast.pm_dakar)
    client.post(
        reverse("directory:organisation_create"),
        {"name": "Banque Locale", "kind": "private", "office": cast.dakar.pk, "active": "on"},
    )
    organisation = Organisation.objects.get(name="Banque Locale")
    event = AuditEvent.objects.filter(
        event_type=AuditEvent.Type.DIRECTORY_CHANGED,
        subject_type="directory.organisation",
        subject_id=str(organisation.pk),
    ).get()
    assert (event.actor, event.office) == (cast.pm_dakar, cast.dakar)


def test_a_bad_organisation_form_keeps_what_was_typed(client, cast, directory, english_users):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:organisation_create"),
        {
            "name": "",
            "acronym": "XYZ",
            "kind": "ngo",
            "country": "S1",
            "email": "not-an-email",
            "office": cast.dakar.pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="XYZ"' in page and 'value="S1"' in page
    assert "This field is required." in page
    assert "Enter a two-letter country code, e.g. SN." in page
    assert "Enter a valid email address." in page


def test_a_programme_manager_cannot_file_an_organisation_under_another_office(client, cast, directory):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:organisation_create"), {"name": "X", "kind": "ngo", "office": cast.bamako.pk}
    )
    assert response.status_code == 400  # Bamako is not among the choices
    assert not Organisation.objects.filter(name="X").exists()


def test_a_duplicate_organisation_name_is_refused_whatever_the_case(client, cast, directory, english_users):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:organisation_create"), {"name": "ong jappo", "kind": "ngo", "office": cast.dakar.pk}
    )
    assert response.status_code == 400
    assert "An organisation with this name is already in the directory." in response.content.decode()


def service_post(**changes):
    data = {
        "name": "Microcrédit",
        "categories": ["financial_services"],
        "areas": "SN/Dakar\nSN/Thiès/Mbour",
        "cost": "subsidised",
        "response_days": "7",
        "active": "on",
    }
    data.update(changes)
    return data


def test_a_programme_manager_adds_a_service_with_its_coverage(client, cast, directory):
    login(client, cast.pm_dakar)
    response = client.post(reverse("directory:service_create", args=[directory.jappo.pk]), service_post())
    service = Service.objects.get(name="Microcrédit")
    assert response.status_code == 302
    assert [a.as_line() for a in service.areas.all()] == ["SN/Dakar", "SN/Thiès/Mbour"]
    assert service.dimensions == ["economic"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"categories": []}, "This field is required."),
        ({"areas": "Senegal/Dakar"}, "start with a two-letter country code"),
        ({"areas": "SN//Pikine"}, "a district needs its region"),
        ({"areas": "SN/Dakar\nsn/dakar"}, "is listed twice"),
        ({"areas": "SN/a/b/c"}, "write country/region/district, no more"),
        ({"name": "formation COUTURE"}, "This organisation already has a service with this name."),
        ({"response_days": "0"}, "The response time must be at least one day."),
    ],
)
def test_a_bad_service_form_says_why_and_keeps_the_input(client, cast, directory, english_users, changes, message):
    login(client, cast.pm_dakar)
    response = client.post(reverse("directory:service_create", args=[directory.jappo.pk]), service_post(**changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "checked" in page or not changes.get("categories", True)


def test_editing_a_service_records_old_and_new_values(client, cast, directory):
    login(client, cast.pm_dakar)
    data = service_post(name="Formation couture", categories=["tvet", "business_development"], areas="SN/Dakar")
    response = client.post(reverse("directory:service_edit", args=[directory.tailoring.pk]), data)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(subject_id=str(directory.tailoring.pk), subject_type="directory.service").first()
    assert event.changes["categories"] == [["tvet"], ["business_development", "tvet"]]
    assert event.changes["cost"] == ["free", "subsidised"]


def agreement_post(**changes):
    data = {"kind": "mou", "reference": "MOU-7", "start_date": "2026-01-01", "end_date": "2026-12-31"}
    data.update(changes)
    return data


def test_an_agreement_cannot_end_before_it_starts(client, cast, directory, english_users):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:agreement_create", args=[directory.jappo.pk]), agreement_post(end_date="2025-01-01")
    )
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()
    assert 'value="MOU-7"' in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("mou.exe", b"MZ..."), "This type of file is not accepted."),
        (SimpleUploadedFile("mou.pdf", b"not a pdf"), "The file content does not match its type."),
    ],
)
def test_an_agreement_document_must_be_an_allowed_file(client, cast, directory, english_users, upload, message):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:agreement_create", args=[directory.jappo.pk]), agreement_post(document=upload)
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_agreement_document_is_stored_and_downloaded_by_readers_only(client, cast, directory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, cast.pm_dakar)
    upload = SimpleUploadedFile("mou.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        reverse("directory:agreement_create", args=[directory.jappo.pk]), agreement_post(document=upload)
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(reference="MOU-7")
    url = reverse("directory:agreement_document", args=[agreement.pk])
    assert client.get(url).status_code == 200
    login(client, cast.partner_dakar)
    assert client.get(url).status_code == 200  # their own organisation's agreement
    clinic_lta = Agreement.objects.create(
        organisation=directory.clinic, kind="lta", reference="C-1", start_date=date(2026, 1, 1), document="x.pdf"
    )
    assert client.get(reverse("directory:agreement_document", args=[clinic_lta.pk])).status_code == 404


def test_the_organisation_page_flags_expired_agreements(client, cast, directory, english_users):
    Agreement.objects.create(
        organisation=directory.jappo,
        kind="mou",
        reference="OLD-1",
        start_date=date(2024, 1, 1),
        end_date=date(2025, 1, 1),
    )
    login(client, cast.cm_dakar)
    page = client.get(directory.jappo.get_absolute_url()).content.decode()
    assert "Expired" in page
    assert "Ending soon" in page  # the LTA ends on 31 March


def test_the_expiry_list_shows_agreements_ending_within_sixty_days(client, cast, directory, english_users):
    Agreement.objects.create(
        organisation=directory.clinic,
        kind="lta",
        reference="LATER-1",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 9, 1),
    )
    Agreement.objects.create(
        organisation=directory.clinic,
        kind="lta",
        reference="GONE-1",
        start_date=date(2025, 1, 1),
        end_date=date(2026, 2, 1),
    )
    login(client, cast.sup_dakar)
    page = client.get(reverse("directory:agreements_expiring")).content.decode()
    assert "LTA-2025-01" in page and "30 days" in page
    assert "LATER-1" not in page and "GONE-1" not in page


def test_the_search_page_stays_within_its_query_budget(client, cast, directory, django_assert_max_num_queries):
    from reintegra.directory.tests.conftest import make_service

    for n in range(30):
        make_service(cast.pm_dakar, directory.jappo, f"Service {n}", ["tvet", "housing"], [("SN", f"R{n}"), ("ML",)])
    login(client, cast.cm_dakar)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:search"), {"country": "SN"})
    assert response.status_code == 200


def test_the_search_page_answers_htmx_with_the_results_only(client, cast, directory):
    login(client, cast.cm_dakar)
    response = client.get(reverse("directory:search"), {"category": "tvet"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Formation couture" in page and "<html" not in page
