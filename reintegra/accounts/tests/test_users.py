"""Office user management: administrators manage the users of the offices they administer."""

import pytest
from django.urls import reverse

from reintegra.accounts.models import Membership, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")
NON_ADMINS = ["cm_dakar", "sup_dakar", "pm_dakar", "me_hq", "partner_dakar", "cp_dakar", "nobody"]


def edit_url(user):
    return reverse("accounts:user_edit", args=[user.pk])


@pytest.fixture
def admin_bamako(cast):
    user = User.objects.create_user(username="admin.bamako", password=PASSWORD)
    Membership.objects.create(user=user, office=cast.bamako, role=Role.ADMINISTRATOR)
    return user


def new_user_data(cast, **extra):
    data = {
        "username": "cm.new",
        "first_name": "Awa",
        "last_name": "Ndiaye",
        "email": "awa@example.org",
        "language": "fr",
        "organisation": "",
        "password": "a-long-new-passphrase",
        "password_again": "a-long-new-passphrase",
        "memberships": [f"{cast.tamba.pk}:{Role.CASE_MANAGER}"],
    }
    return {**data, **extra}


def edit_data(user, **extra):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "organisation": user.organisation,
        "is_active": "on" if user.is_active else "",
        "new_password": "",
        "memberships": [f"{m.office_id}:{m.role}" for m in user.memberships.all()],
    }
    return {**data, **extra}


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("username", NON_ADMINS)
def test_it_hides_user_management_from_every_other_role(client, cast, username):
    client.force_login(getattr(cast, username))
    assert client.get(LIST).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert client.get(edit_url(cast.cm_dakar)).status_code == 404
    assert client.post(CREATE, new_user_data(cast)).status_code == 404
    assert not User.objects.filter(username="cm.new").exists()


def test_admin_lists_the_users_of_their_offices_including_sub_offices(client, cast, django_assert_max_num_queries):
    client.force_login(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert response.status_code == 200
    names = {u.username for u in response.context["page"]}
    assert {"cm.dakar", "cm.tamba", "cm.bamako", "sup.dakar", "me.hq", "partner.dakar"} <= names
    assert "nobody" not in names


def test_user_list_query_count_does_not_grow_with_users(client, cast, django_assert_max_num_queries):
    for i in range(30):
        user = User.objects.create_user(username=f"extra{i}", password=PASSWORD)
        Membership.objects.create(user=user, office=cast.dakar, role=Role.CASE_MANAGER)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


def test_bamako_admin_cannot_see_dakar_users(client, cast, admin_bamako):
    client.force_login(admin_bamako)
    names = {u.username for u in client.get(LIST).context["page"]}
    assert "cm.bamako" in names and "sup.bamako" in names and "me.hq" in names
    assert "cm.dakar" not in names and "cm.tamba" not in names and "sup.dakar" not in names
    assert client.get(edit_url(cast.cm_dakar)).status_code == 404
    response = client.post(edit_url(cast.cm_dakar), edit_data(cast.cm_dakar, is_active=""))
    assert response.status_code == 404
    cast.cm_dakar.refresh_from_db()
    assert cast.cm_dakar.is_active


def test_user_list_filters_by_office_role_status_and_name(client, cast):
    client.force_login(cast.admin)

    def names(**params):
        return {u.username for u in client.get(LIST, params).context["page"]}

    assert names(office=cast.tamba.pk) == {"cm.tamba"}
    assert names(role=Role.SUPERVISOR) == {"sup.dakar", "sup.bamako"}
    assert names(office=cast.dakar.pk, role=Role.SUPERVISOR) == {"sup.dakar"}
    assert names(q="cm.dak") == {"cm.dakar", "cm.dakar2"}
    cast.cm_dakar2.is_active = False
    cast.cm_dakar2.save()
    assert names(q="cm.dak", active="no") == {"cm.dakar2"}
    assert names(q="cm.dak", active="yes") == {"cm.dakar"}


def test_user_list_refuses_an_office_outside_scope(client, cast, admin_bamako):
    client.force_login(admin_bamako)
    assert client.get(LIST, {"office": cast.dakar.pk}).status_code == 400


def test_admin_creates_a_user_with_roles_in_a_sub_office(client, cast):
    client.force_login(cast.admin)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, new_user_data(cast))
    user = User.objects.get(username="cm.new")
    assert response.status_code == 302 and response.url == edit_url(user)
    assert user.check_password("a-long-new-passphrase")
    assert (user.first_name, user.language, user.is_active) == ("Awa", "fr", True)
    assert list(user.memberships.values_list("office_id", "role")) == [(cast.tamba.pk, Role.CASE_MANAGER)]
    created = AuditEvent.objects.get(event_type=AuditEvent.Type.USER_CREATED)
    assert created.actor == cast.admin and created.changes["username"] == "cm.new"
    assert "password" not in created.changes
    role_event = AuditEvent.objects.get(event_type=AuditEvent.Type.MEMBERSHIP_CHANGED)
    assert role_event.office_id == cast.tamba.pk
    assert role_event.changes == {"roles": [[], [Role.CASE_MANAGER]]}


def test_weak_password_keeps_everything_typed_except_the_password(client, cast):
    client.force_login(cast.admin)
    response = client.post(CREATE, new_user_data(cast, password="12345678", password_again="12345678"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="cm.new"' in html and 'value="Awa"' in html and 'value="awa@example.org"' in html
    assert f'value="{cast.tamba.pk}:{Role.CASE_MANAGER}" id="m-{cast.tamba.pk}case_manager" checked' in html
    assert "12345678" not in html
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="cm.new").exists()
    assert not AuditEvent.objects.exists()


def test_password_too_similar_to_the_username_is_refused(client, cast):
    client.force_login(cast.admin)
    data = new_user_data(cast, username="aminata.sow", password="aminata.sow", password_again="aminata.sow")
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert response.context["form"].errors["password"]


def test_mismatched_passwords_and_duplicate_username_are_explained(client, cast):
    client.force_login(cast.admin)
    response = client.post(CREATE, new_user_data(cast, password_again="something-else-entirely"))
    assert response.status_code == 400
    assert response.context["form"].errors["password_again"]
    response = client.post(CREATE, new_user_data(cast, username="cm.dakar"))
    assert response.status_code == 400
    assert response.context["form"].errors["username"]


def test_a_new_user_needs_at_least_one_role(client, cast):
    client.force_login(cast.admin)
    response = client.post(CREATE, new_user_data(cast, memberships=[]))
    assert response.status_code == 400
    assert response.context["form"].errors["memberships"]
    assert not User.objects.filter(username="cm.new").exists()


def test_bamako_admin_cannot_grant_a_role_in_dakar(client, cast, admin_bamako):
    client.force_login(admin_bamako)
    response = client.post(CREATE, new_user_data(cast, memberships=[f"{cast.dakar.pk}:{Role.ADMINISTRATOR}"]))
    assert response.status_code == 400  # not even offered as a choice
    assert not User.objects.filter(username="cm.new").exists()
    me_hq_edit = edit_data(cast.me_hq, memberships=[f"{cast.bamako.pk}:{Role.ME_OFFICER}", f"{cast.dakar.pk}:admin"])
    assert client.post(edit_url(cast.me_hq), me_hq_edit).status_code == 400
    assert not cast.me_hq.memberships.filter(role=Role.ADMINISTRATOR).exists()


def test_admin_edits_names_language_and_deactivates_a_user(client, cast):
    client.force_login(cast.admin)
    assert client.get(edit_url(cast.cm_tamba)).status_code == 200
    data = edit_data(cast.cm_tamba, first_name="Fatou", language="en", is_active="")
    response = client.post(edit_url(cast.cm_tamba), data)
    assert response.status_code == 302
    cast.cm_tamba.refresh_from_db()
    assert (cast.cm_tamba.first_name, cast.cm_tamba.language, cast.cm_tamba.is_active) == ("Fatou", "en", False)
    assert User.objects.filter(pk=cast.cm_tamba.pk).exists()  # deactivated, never deleted
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.USER_UPDATED)
    assert event.changes == {"first_name": ["cm.tamba", "Fatou"], "language": ["", "en"], "is_active": [True, False]}
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.MEMBERSHIP_CHANGED).exists()


def test_admin_changes_roles_and_the_audit_shows_old_and_new(client, cast):
    client.force_login(cast.admin)
    data = edit_data(cast.cm_dakar, memberships=[f"{cast.dakar.pk}:{Role.SUPERVISOR}"])
    assert client.post(edit_url(cast.cm_dakar), data).status_code == 302
    assert list(cast.cm_dakar.memberships.values_list("role", flat=True)) == [Role.SUPERVISOR]
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.MEMBERSHIP_CHANGED)
    assert event.changes == {"roles": [[Role.CASE_MANAGER], [Role.SUPERVISOR]]}
    assert event.office_id == cast.dakar.pk


def test_admin_sets_a_new_password_validated_and_hidden_from_the_audit(client, cast):
    client.force_login(cast.admin)
    response = client.post(edit_url(cast.cm_dakar), edit_data(cast.cm_dakar, new_password="abc"))
    assert response.status_code == 400
    assert response.context["form"].errors["new_password"]
    response = client.post(edit_url(cast.cm_dakar), edit_data(cast.cm_dakar, new_password="another-fine-phrase"))
    assert response.status_code == 302
    cast.cm_dakar.refresh_from_db()
    assert cast.cm_dakar.check_password("another-fine-phrase")
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.USER_UPDATED)
    assert "another-fine-phrase" not in str(event.changes)


def test_bamako_admin_changes_only_bamako_roles_of_a_shared_user(client, cast, admin_bamako):
    """me.hq works for Dakar and Bamako: the Bamako admin cannot lock them out of Dakar."""
    client.force_login(admin_bamako)
    page = client.get(edit_url(cast.me_hq))
    assert page.status_code == 200
    assert page.context["form"].account_editable is False
    data = edit_data(cast.me_hq, first_name="Changed", is_active="", memberships=[])
    assert client.post(edit_url(cast.me_hq), data).status_code == 302
    cast.me_hq.refresh_from_db()
    assert cast.me_hq.is_active and cast.me_hq.first_name == "me.hq"  # account fields were not editable
    assert list(cast.me_hq.memberships.values_list("office_id", "role")) == [(cast.dakar.pk, Role.ME_OFFICER)]
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.USER_UPDATED).exists()


def test_admin_cannot_deactivate_themselves_or_drop_their_own_admin_role(client, cast):
    client.force_login(cast.admin)
    response = client.post(edit_url(cast.admin), edit_data(cast.admin, is_active=""))
    assert response.status_code == 400
    assert response.context["form"].errors["is_active"]
    response = client.post(edit_url(cast.admin), edit_data(cast.admin, memberships=[]))
    assert response.status_code == 400
    assert response.context["form"].errors["memberships"]
    cast.admin.refresh_from_db()
    assert cast.admin.is_active and cast.admin.memberships.count() == 2


def test_a_failed_role_change_rolls_back_the_account_change(client, cast):
    client.force_login(cast.admin)
    data = edit_data(cast.admin, first_name="Renamed", memberships=[])
    assert client.post(edit_url(cast.admin), data).status_code == 400
    cast.admin.refresh_from_db()
    assert cast.admin.first_name == "admin"
    assert not AuditEvent.objects.exists()


def test_it_hides_users_without_any_office(client, cast):
    client.force_login(cast.admin)
    assert client.get(edit_url(cast.nobody)).status_code == 404
