"""Reads of scoring profiles (configuration) and scores (case data, scoped through `cases_for`).

Profiles are programme-wide configuration, not case data. M&E officers and administrators
manage them; anyone with a case role may read them (to understand a score). Partners and users
without a role get 404.
"""

from functools import lru_cache

from django.db.models import QuerySet
from django.http import Http404

from reintegra.accounts.access import access_for
from reintegra.cases.models import Case
from reintegra.cases.selectors import cases_for
from reintegra.instruments.models import Instrument, Occasion, Response
from reintegra.scoring.engine import CompiledProfile, compile_profile
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.questions import form_choice_labels

OCCASION_ORDER = {Occasion.SCREENING: 0, Occasion.BASELINE: 1, Occasion.FOLLOW_UP: 2, Occasion.ENDLINE: 3}


def may_manage_profiles(user) -> bool:
    """M&E officers and administrators load profiles, choose the default and re-score."""
    access = access_for(user)
    return bool(access.pseudonymised or access.administer)


def may_view_profiles(user) -> bool:
    return may_manage_profiles(user) or bool(access_for(user).identifying)


def require_profile_viewer(user) -> None:
    if not may_view_profiles(user):
        raise Http404


def require_profile_manager(user) -> None:
    if not may_manage_profiles(user):
        raise Http404


def profiles_for(user) -> QuerySet[ScoringProfile]:
    require_profile_viewer(user)
    return ScoringProfile.objects.select_related("instrument", "created_by").order_by(
        "instrument__ordering", "code", "-created_at", "-id"
    )


def profile_for(user, pk: int) -> ScoringProfile:
    profile = profiles_for(user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    return profile


def default_profile(instrument: Instrument | str = "rss") -> ScoringProfile | None:
    filters = {"instrument__code": instrument} if isinstance(instrument, str) else {"instrument": instrument}
    return ScoringProfile.objects.filter(is_default=True, **filters).select_related("instrument").first()


def profile_by_reference(reference: str) -> ScoringProfile | None:
    """A loaded profile by "code" (the default one of that code, else the newest) or "code:version"."""
    code, _sep, version = reference.partition(":")
    profiles = ScoringProfile.objects.filter(code=code).select_related("instrument")
    if version:
        return profiles.filter(version=version).first()
    return profiles.order_by("-is_default", "-created_at", "-id").first()


@lru_cache(maxsize=32)
def _compiled(pk: int, code: str, version: str, definition_key: str, accept_labels: bool) -> CompiledProfile:
    profile = ScoringProfile.objects.select_related("instrument").get(pk=pk)
    labels = None
    if accept_labels:
        current = profile.instrument.versions.filter(is_current=True).first()
        labels = form_choice_labels(current.definition) if current else None
    return compile_profile(profile.definition, accept_labels=accept_labels, extra_labels=labels)


def compiled_profile(profile: ScoringProfile, *, accept_labels: bool = False) -> CompiledProfile:
    """The profile compiled once per process (code + version are immutable content)."""
    return _compiled(profile.pk, profile.code, profile.version, str(profile.created_at), accept_labels)


def profile_score_count(profile: ScoringProfile) -> int:
    """How many scores were computed with a profile, all offices together (an aggregate, no case data)."""
    return Score.objects.filter(profile=profile).count()


def scores_for(user) -> QuerySet[Score]:
    """Scores of the cases the user may see."""
    return Score.objects.filter(case__in=cases_for(user).values("pk"))


def latest_scores_by_occasion(case: Case, profile: ScoringProfile | None = None) -> list[Score]:
    """One score per occasion (the latest submitted response of each), baseline first.

    The caller has already checked that the user may see `case` (e.g. with `case_for`).
    """
    profile = profile or default_profile("rss")
    if profile is None:
        return []
    scores = (
        Score.objects.filter(case=case, profile=profile, response__status=Response.Status.SUBMITTED)
        .select_related("response", "profile")
        .order_by("response__interview_date", "response__id")
    )
    latest: dict[tuple[str, int], Score] = {}
    for score in scores:
        latest[(score.response.occasion, score.response.occasion_number)] = score
    return sorted(
        latest.values(),
        key=lambda s: (
            OCCASION_ORDER.get(s.response.occasion, 9),
            s.response.occasion_number,
            s.response.interview_date,
        ),
    )


def case_scores(case: Case) -> tuple[ScoringProfile | None, list[Score]]:
    """The scores shown on a case file: one profile, one score per occasion, in occasion order.

    The profile is the default one when it scored any of the case's submitted responses, else the
    profile of the most recent score (e.g. the default changed and the case was not re-scored yet);
    scores of different profiles are never mixed. One query. The caller has checked that the user
    may see `case`.
    """
    scores = list(
        Score.objects.filter(case=case, response__status=Response.Status.SUBMITTED)
        .select_related("response", "profile__instrument")
        .order_by("response__interview_date", "response__id")
    )
    if not scores:
        return None, []
    profile = next(
        (s.profile for s in scores if s.profile.is_default), max(scores, key=lambda s: (s.computed_at, s.pk)).profile
    )
    latest: dict[tuple[str, int], Score] = {}
    for score in scores:
        if score.profile_id == profile.pk:
            latest[(score.response.occasion, score.response.occasion_number)] = score
    ordered = sorted(
        latest.values(),
        key=lambda s: (
            OCCASION_ORDER.get(s.response.occasion, 9),
            s.response.occasion_number,
            s.response.interview_date,
        ),
    )
    return profile, ordered
