"""Sign-in, language, "my account" and office user management pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reintegra.accounts import selectors, services
from reintegra.accounts.access import access_for
from reintegra.accounts.forms import (
    LanguageForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    apply_errors,
)
from reintegra.referrals.access import partner_organisation_id

USERS_PAGE_SIZE = 50


def home_for(user) -> str:
    """Where a user lands after signing in: the caseload, else the page of their other role."""
    access = access_for(user)
    if access.sees_cases:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    if partner_organisation_id(user) is not None:
        return reverse("referrals:inbox")
    if access.administer:
        return reverse("accounts:user_list")
    return reverse("accounts:account")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_for(self.request.user)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or request.headers.get("referer") or "/"
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Like Django's set_language (cookie, safe "next"), and saved on the account when signed in."""
    response = HttpResponseRedirect(_safe_next(request))
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated:
            services.user_set_language(actor=request.user, language=language)
        _set_language_cookie(response, language)
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: identity, language preference, memberships, API tokens."""
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        services.user_set_language(actor=request.user, language=language)
        response = redirect("accounts:account")
        if language:
            _set_language_cookie(response, language)
        messages.success(request, _("Your language preference is saved."))
        return response
    status = 400 if form.is_bound else 200
    return _account_page(request, language_form=form, token_form=TokenForm(), status=status)


def _account_page(request, *, language_form, token_form, new_token: str = "", status: int = 200) -> HttpResponse:
    context = {
        "language_form": language_form,
        "token_form": token_form,
        "new_token": new_token,
        "memberships": selectors.memberships_of(request.user),
        "tokens": selectors.tokens_of(request.user),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its secret once, in this response only (never stored, never redirected)."""
    form = TokenForm(request.POST)
    language_form = LanguageForm(initial={"language": request.user.language})
    if form.is_valid():
        try:
            _token, raw = services.token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _account_page(request, language_form=language_form, token_form=TokenForm(), new_token=raw)
    return _account_page(request, language_form=language_form, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(request.user, pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("accounts:account")


def _require_administrator(request: HttpRequest) -> list:
    """The offices the user administers; 404 when there are none."""
    offices = list(selectors.administered_offices(request.user))
    if not offices:
        raise Http404
    return offices


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    offices = _require_administrator(request)
    form = UserFilterForm(request.GET or None, offices=offices)
    filters = selectors.UserFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.UserFilters(
            office_id=data["office"], role=data["role"], active=form.active_value(), text=data["q"]
        )
    page = Paginator(selectors.user_list(request.user, filters), USERS_PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "accounts/user_list.html", {"form": form, "page": page}, status=status)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    offices = _require_administrator(request)
    form = UserCreateForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                memberships=form.membership_inputs(),
                **{name: data[name] for name in ["username", "password", *services.ACCOUNT_FIELDS[:-1]]},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The user %(name)s is created.") % {"name": user})
            return redirect("accounts:user_edit", pk=user.pk)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/user_form.html", {"form": form, "creating": True}, status=status)


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offices = _require_administrator(request)
    user = selectors.user_for(request.user, pk)
    editable = services.may_edit_account(request.user, user)
    form = UserEditForm(request.POST or None, user=user, offices=offices, account_editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            _save_user(request.user, user, form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": user})
            return redirect("accounts:user_edit", pk=user.pk)
    context = {"form": form, "subject": user, "other_memberships": _other_memberships(user, offices)}
    return render(request, "accounts/user_form.html", context, status=400 if form.is_bound else 200)


@transaction.atomic
def _save_user(actor, user, form: UserEditForm) -> None:
    """The account (when the actor has full control) and the roles, both or neither."""
    if form.account_editable:
        data = form.cleaned_data
        services.user_update(
            actor=actor,
            user=user,
            new_password=data["new_password"],
            **{name: data[name] for name in services.ACCOUNT_FIELDS},
        )
    services.membership_set(actor=actor, user=user, memberships=form.membership_inputs())


def _other_memberships(user, offices) -> list:
    scope = {o.pk for o in offices}
    return [m for m in user.memberships.all() if m.office_id not in scope]
