from functools import wraps

from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _

from reintegra.api.errors import json_error, not_found_view
from reintegra.api.main import api


def _json_not_allowed(view):
    """Ninja answers a wrong method with a plain-text 405; answer in JSON like every other error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response = json_error(405, _("This method is not allowed here."))
            response["Allow"] = allowed
        return response

    return wrapper


def _api_patterns():
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(p.pattern, _json_not_allowed(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
        for p in patterns
    ]
    return wrapped, app_name, namespace


urlpatterns = [
    path("", _api_patterns()),
    re_path(r"^.*$", not_found_view),
]
