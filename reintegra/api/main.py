"""The NinjaAPI instance: /api/v1/, token or session authentication, JSON errors, OpenAPI document.

The interactive docs (Swagger UI) are served only when the `ninja` app is installed: ninja then
serves its bundled Swagger assets through our static files. Without it, ninja would load them
from a CDN, which the field offices cannot rely on (DESIGN.md §6). settings.py installs it, so
/api/v1/docs works offline; the guard keeps the CDN out if someone removes it.
"""

from django.conf import settings
from ninja import NinjaAPI

from reintegra.accounts import api as accounts_api
from reintegra.api import cases, persons
from reintegra.api.auth import session_auth, token_auth
from reintegra.api.errors import install_error_handlers
from reintegra.children import api as children_api
from reintegra.community import api as community_api
from reintegra.dashboards import api as dashboards_api
from reintegra.directory import api as directory_api
from reintegra.exports import api as exports_api
from reintegra.instruments import api as instruments_api
from reintegra.monitoring import api as monitoring_api
from reintegra.plans import api as plans_api
from reintegra.referrals import api as referrals_api
from reintegra.structural import api as structural_api

DESCRIPTION = """
Reintegra's JSON API: the same rules and audit trail as the pages.

Authentication: `Authorization: Bearer <token>` with a personal API token, or the browser session
(unsafe methods then need the `X-CSRFToken` header). Errors are JSON:
`{"detail": "...", "errors": {"field": ["message"]}}`, in the user's language.

Users of pseudonymised roles (M&E) receive records without names, phones, document numbers or
exact address (`identified: false`); `pseudonym` is always present.
"""


def _docs_url() -> str | None:
    return "/docs" if "ninja" in settings.INSTALLED_APPS else None


api = NinjaAPI(
    title="Reintegra API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[token_auth, session_auth],
    docs_url=_docs_url(),
)
install_error_handlers(api)
api.add_router("/cases", cases.router)
api.add_router("/persons", persons.router)
api.add_router("", instruments_api.router)
api.add_router("/directory", directory_api.router)
api.add_router("/plans", plans_api.router)
api.add_router("", referrals_api.router)
api.add_router("/monitoring", monitoring_api.router)
api.add_router("/exports", exports_api.router)
api.add_router("/dashboards", dashboards_api.router)
api.add_router("", accounts_api.router)
api.add_router("", children_api.router)
api.add_router("/community", community_api.router)
api.add_router("/structural", structural_api.router)
