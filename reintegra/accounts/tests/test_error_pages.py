"""Error pages: plain, translated, and without a hint of what exists."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]


def test_404_page_is_the_house_page_for_everyone(client, cast):
    response = client.get("/accounts/users/999999/")
    assert response.status_code == 302  # anonymous: sign in first
    client.force_login(cast.admin)
    response = client.get("/accounts/users/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Reintegra" in html


def test_403_page_renders_with_the_base_layout(cast):
    request = RequestFactory().get("/")
    request.user = cast.cm_dakar
    html = render_to_string("403.html", request=request)
    assert "Not allowed" in html and 'class="topbar"' in html
