"""Every asset the base page links to is served by the app itself (no CDN)."""

import re

from django.contrib.staticfiles import finders


def test_every_asset_of_the_login_page_is_found_locally(client):
    html = client.get("/accounts/login/").content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any(a.endswith("reintegra.css") for a in assets)
    assert any("htmx" in a for a in assets)
    missing = [a for a in assets if not finders.find(a.removeprefix("/static/"))]
    assert missing == []
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html), "external asset on the page"
