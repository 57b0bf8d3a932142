"""Every API error is JSON: {"detail": message, "errors": {field: [messages]}} (errors only on 400).

Pydantic's messages are English-only, so schema errors are rewritten from their error type into
translated sentences; service errors (django ValidationError) are already translated.
"""

import logging
import re

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

NON_FIELD_KEY = "non_field_errors"
PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# Body parameters are always called `payload` in the endpoints, so it is dropped from field paths.
BODY_PARAM = "payload"

MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not expected."),
    "string_type": gettext_lazy("Enter a text value."),
    "string_too_short": gettext_lazy("Ensure this value has at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Ensure this value has at most %(max_length)s characters."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "date_type": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "enum": gettext_lazy("Choose one of: %(choices)s."),
    "literal_error": gettext_lazy("Choose one of: %(choices)s."),
    "list_type": gettext_lazy("Enter a list."),
    "too_long": gettext_lazy("Ensure this list has at most %(max_length)s items."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "greater_than_equal": gettext_lazy("Ensure this value is greater than or equal to %(ge)s."),
    "less_than_equal": gettext_lazy("Ensure this value is less than or equal to %(le)s."),
}
INVALID = gettext_lazy("Enter a valid value.")
SEND_AN_OBJECT = gettext_lazy("Send a JSON object.")
NOT_AN_OBJECT = {"missing", "dict_type", "model_type", "model_attributes_type"}


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict:
    body: dict = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse(error_body(detail, errors), status=status)


def _field_path(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in PARAM_SOURCES:
        parts = parts[1:]
    if parts and parts[0] == BODY_PARAM:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_KEY


def _message(error: dict) -> str:
    template = MESSAGES.get(error.get("type", ""))
    if error.get("type") == "value_error":
        # Our own validators raise ValueError with an already translated message.
        return str(error.get("ctx", {}).get("error", "")) or str(INVALID)
    if template is None:
        return str(INVALID)
    ctx = dict(error.get("ctx") or {})
    # pydantic's "'a', 'b' or 'c'" is English; list the choices without the conjunction.
    ctx["choices"] = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    try:
        return str(template) % ctx if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return str(INVALID)


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Ninja/pydantic errors as {field path: [translated messages]}."""
    result: dict[str, list[str]] = {}
    for error in errors:
        path = _field_path(tuple(error.get("loc", ())))
        message = str(SEND_AN_OBJECT) if path == NON_FIELD_KEY and error.get("type") in NOT_AN_OBJECT else None
        result.setdefault(path, []).append(message or _message(error))
    return result


def service_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A django ValidationError as {field: [messages]}; non-field messages under NON_FIELD_KEY."""
    if hasattr(exc, "error_dict"):
        return {(NON_FIELD_KEY if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()}
    return {NON_FIELD_KEY: list(exc.messages)}


def _on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return json_error(400, _("The data sent is not valid."), schema_errors(exc.errors))


def _on_service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = service_errors(exc)
    fields = [k for k in errors if k != NON_FIELD_KEY]
    detail = _("The data sent is not valid.") if fields else errors[NON_FIELD_KEY][0]
    return json_error(400, detail, errors)


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return json_error(403, str(exc) or _("You do not have permission to do this."))


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return json_error(404, _("Not found."))


def _on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = json_error(401, _("Authentication credentials were not provided or are not valid."))
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return json_error(400, _("The request body is not valid JSON."), {NON_FIELD_KEY: [str(SEND_AN_OBJECT)]})
    if exc.status_code == 403 and "CSRF" in str(exc):
        return json_error(403, _("The CSRF token is missing or incorrect."))
    return json_error(exc.status_code, str(exc))


def _on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return json_error(413, _("The request is too large."))


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return json_error(500, _("Something went wrong on the server. The error has been logged."))


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(NinjaValidationError, _on_schema_error)
    api.add_exception_handler(DjangoValidationError, _on_service_error)
    api.add_exception_handler(PermissionDenied, _on_permission_denied)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(AuthenticationError, _on_authentication)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(RequestDataTooBig, _on_too_big)
    api.add_exception_handler(Exception, _on_unexpected)


def not_found_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Unknown paths under /api/v1/ answer in JSON too."""
    return json_error(404, _("Not found."))
