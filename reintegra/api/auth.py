"""API authentication: personal bearer tokens, or the browser session with CSRF on unsafe methods."""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from reintegra.accounts.models import ApiToken, User

MAX_TOKEN_LENGTH = 200
# last_used_at is refreshed at most this often, so busy clients do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <raw token>`; only the SHA-256 digest is stored (ApiToken)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        api_token = None
        if token and len(token) <= MAX_TOKEN_LENGTH:
            api_token = (
                ApiToken.objects.select_related("user")
                .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
                .first()
            )
        if api_token is None:
            # A bad token is refused outright, even when a session cookie is also present.
            raise AuthenticationError()
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """Django's session; ninja checks the CSRF token (unsafe methods) once a session user is found.

    Anonymous requests skip the CSRF check so that they get a clear 401 rather than a 403.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
