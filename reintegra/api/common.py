"""Small helpers shared by the API routers."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from reintegra.accounts.models import Programme, User
from reintegra.cases.services import DocumentInput, PersonInput


def actor(request: HttpRequest) -> User:
    """The authenticated user (token or session)."""
    return request.auth


def user_by_username(username: str | None, field: str) -> User | None:
    """An active user by username (None stays None); services check their role in the office."""
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: _("There is no active user with this username.")})
    return user


def programme_by_id(programme_id: int | None, field: str = "programme") -> Programme | None:
    """A programme by id; services check that it runs in the office."""
    if programme_id is None:
        return None
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise ValidationError({field: _("There is no programme with this id.")})
    return programme


def person_input(data: dict) -> PersonInput:
    """A PersonInput from a validated schema dump (documents as dicts)."""
    documents = [DocumentInput(**doc) for doc in data.pop("documents", [])]
    return PersonInput(**data, documents=documents)


@contextmanager
def fields_renamed(mapping: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's field names (e.g. birth_date -> person.birth_date)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({mapping.get(k, k): v for k, v in exc.error_dict.items()}) from exc
