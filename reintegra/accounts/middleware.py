"""Interface language: the user's choice, else their office's language, else the browser's."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UserLanguageMiddleware(LocaleMiddleware):
    """Django's locale middleware (session, cookie, Accept-Language) before authentication."""


class ActivateUserLanguageMiddleware:
    """After authentication, a signed-in user's own preference wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language or _office_language(user)
            if language and language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _office_language(user) -> str:
    membership = user.memberships.select_related("office").order_by("id").first()
    return membership.office.language if membership else ""
