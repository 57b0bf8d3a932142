"""Writes of the scoring app: load a profile, choose the default, score responses. Each is audited.

Stored scores are never changed: re-scoring with a profile adds rows next to the old ones
(one per response and profile version).
"""

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.instruments.models import Instrument, InstrumentVersion, Response
from reintegra.instruments.registry import BY_CODE
from reintegra.scoring import selectors
from reintegra.scoring.engine import BatchResult, CompiledProfile, ScoreResult
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.profile import parse_profile_text, validate_profile
from reintegra.scoring.questions import form_questions

logger = logging.getLogger(__name__)

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
PROVISIONAL_PROFILE = PROFILES_DIR / "rss-provisional.yaml"
RESCORE_CHUNK = 5000


def _require_manager(actor) -> None:
    """`actor=None` is the system (post_migrate hook, `manage.py load_profile`)."""
    if actor is not None and not selectors.may_manage_profiles(actor):
        raise PermissionDenied(_("Only M&E officers and administrators may manage scoring profiles."))


def _instrument_version(instrument: Instrument, label: str) -> InstrumentVersion | None:
    versions = instrument.versions.all()
    return versions.filter(version=label).first() if label else versions.filter(is_current=True).first()


def _checked_definition(raw) -> tuple[dict, Instrument]:
    """Validate the document, then again against the instrument version's questions when there is one."""
    definition = validate_profile(raw)
    instrument = Instrument.objects.filter(code=definition["instrument"]).first()
    if instrument is None:
        raise ValidationError(_("profile: instrument “%(code)s” does not exist.") % {"code": definition["instrument"]})
    version = _instrument_version(instrument, definition["instrument_version"])
    if definition["instrument_version"] and version is None:
        raise ValidationError(
            _("profile: instrument “%(code)s” has no version “%(version)s”.")
            % {"code": instrument.code, "version": definition["instrument_version"]}
        )
    if version is not None:
        definition = validate_profile(raw, form_questions=form_questions(version.definition))
    return definition, instrument


def _same_content(stored: dict, definition: dict) -> bool:
    return stored == json.loads(json.dumps(definition))


@transaction.atomic
def profile_load(*, actor, source_text: str, make_default: bool = False, audited: bool = True) -> ScoringProfile:
    """Validate and store a profile file (YAML or JSON).

    Loading the same code and version again with the same content returns the stored profile
    (idempotent); with different content it is refused: a changed profile is a new version.
    `audited=False` only for the set-up after `migrate` (like a data migration, not an action).
    """
    _require_manager(actor)
    definition, instrument = _checked_definition(parse_profile_text(source_text))
    existing = ScoringProfile.objects.filter(code=definition["code"], version=definition["version"]).first()
    if existing is not None:
        if not _same_content(existing.definition, definition):
            raise ValidationError(
                _(
                    "Profile %(code)s version %(version)s is already loaded with different content. "
                    "Give the changed profile a new version."
                )
                % {"code": existing.code, "version": existing.version}
            )
        if make_default and not existing.is_default:
            profile_set_default(actor=actor, profile=existing, audited=audited)
        return existing
    profile = ScoringProfile(
        code=definition["code"],
        version=definition["version"],
        name_en=definition["name"]["en"],
        name_fr=definition["name"]["fr"],
        instrument=instrument,
        status=definition["status"],
        provisional=definition["provisional"],
        source_note=definition["source_note"],
        definition=definition,
        source_text=source_text,
        created_by=actor,
    )
    profile.full_clean()
    profile.save()
    if audited:
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.PROFILE_LOADED,
            subject=profile,
            changes={"profile": str(profile), "instrument": instrument.code, "provisional": profile.provisional},
        )
    if make_default:
        profile_set_default(actor=actor, profile=profile, audited=audited)
    return profile


@transaction.atomic
def profile_set_default(*, actor, profile: ScoringProfile, audited: bool = True) -> ScoringProfile:
    """Make `profile` the one new responses of its instrument are scored with."""
    _require_manager(actor)
    if profile.status != ScoringProfile.Status.ACTIVE:
        raise ValidationError(
            _("Only an active profile can be the default; this one is %(status)s.")
            % {"status": profile.get_status_display()}
        )
    if profile.is_default:
        return profile
    previous = ScoringProfile.objects.filter(instrument=profile.instrument, is_default=True).first()
    ScoringProfile.objects.filter(instrument=profile.instrument, is_default=True).update(is_default=False)
    profile.is_default = True
    profile.save(update_fields=["is_default"])
    if audited:
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.PROFILE_DEFAULT_SET,
            subject=profile,
            changes={"default": [str(previous) if previous else None, str(profile)]},
        )
    return profile


def provisional_profile_install() -> ScoringProfile:
    """Load the shipped provisional profile (idempotent); it becomes the default only when there is none."""
    shipped = BY_CODE["rss"]  # the instruments app's own hook normally created it already
    Instrument.objects.get_or_create(
        code="rss",
        defaults={
            "kind": shipped.kind,
            "title_en": shipped.title_en,
            "title_fr": shipped.title_fr,
            "sensitive": shipped.sensitive,
            "ordering": shipped.ordering,
        },
    )
    has_default = selectors.default_profile("rss") is not None
    return profile_load(
        actor=None,
        source_text=PROVISIONAL_PROFILE.read_text(encoding="utf-8"),
        make_default=not has_default,
        audited=False,
    )


# --- scores ---------------------------------------------------------------------------------------


def _plain(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _score_from_result(result: ScoreResult, **fields) -> Score:
    return Score(
        economic=result.economic,
        social=result.social,
        psychosocial=result.psychosocial,
        composite=result.composite,
        missing_count=result.missing_count,
        indicator_values=result.indicator_values,
        bands=result.bands,
        **fields,
    )


def response_score(*, response: Response, profile: ScoringProfile | None = None) -> Score | None:
    """The score of a submitted response with `profile` (default: its instrument's default profile).

    Creates it when missing; None when the response is a draft or its instrument has no profile.
    The instruments app calls this once a response is submitted.
    """
    if response.status != Response.Status.SUBMITTED:
        return None
    instrument_id = response.instrument_version.instrument_id
    profile = profile or ScoringProfile.objects.filter(instrument_id=instrument_id, is_default=True).first()
    if profile is None or profile.instrument_id != instrument_id:
        return None
    existing = Score.objects.filter(response=response, profile=profile).first()
    if existing is not None:
        return existing
    result = selectors.compiled_profile(profile).score_one(response.answers or {})
    if result.unknown:
        logger.warning("response %s: answers unknown to profile %s: %s", response.pk, profile, result.unknown)
    score = _score_from_result(result, response=response, profile=profile, case_id=response.case_id)
    score.save()
    return score


@dataclass(frozen=True)
class RescoreResult:
    created: int
    remaining: int


def _pending(profile: ScoringProfile):
    """Submitted responses of the profile's instrument that have no score with this profile yet."""
    scored = Score.objects.filter(profile=profile, response=OuterRef("pk"))
    return Response.objects.filter(
        instrument_version__instrument_id=profile.instrument_id, status=Response.Status.SUBMITTED
    ).filter(~Exists(scored))


def _batch_scores(compiled: CompiledProfile, rows: list[tuple[int, int, dict]], profile: ScoringProfile) -> list[Score]:
    columns = {q: [(answers or {}).get(q) for _pk, _case, answers in rows] for q in compiled.questions}
    batch: BatchResult = compiled.score_batch(columns, n=len(rows))
    scores = []
    for i, (pk, case_id, _answers) in enumerate(rows):
        values = {
            "economic": _plain(batch.economic[i]),
            "social": _plain(batch.social[i]),
            "psychosocial": _plain(batch.psychosocial[i]),
            "composite": _plain(batch.composite[i]),
        }
        indicators = dict(zip(compiled.indicator_ids, map(_plain, batch.indicators[i].tolist()), strict=True))
        scores.append(
            Score(
                response_id=pk,
                profile=profile,
                case_id=case_id,
                missing_count=int(batch.missing_count[i]),
                indicator_values=indicators,
                bands=compiled.bands_for(values) if compiled.bands else {},
                **values,
            )
        )
    return scores


def profile_rescore(*, actor, profile: ScoringProfile, limit: int | None = None) -> RescoreResult:
    """Score every submitted response of the profile's instrument that has no score with it yet.

    Works in chunks of RESCORE_CHUNK responses, each committed with its own audit event, so a
    page can run one chunk per request (`limit`) and a command can run them all. Old rows, of
    this and other profiles, are kept.
    """
    _require_manager(actor)
    compiled = selectors.compiled_profile(profile)
    created, last_pk = 0, 0
    while limit is None or created < limit:
        size = RESCORE_CHUNK if limit is None else min(RESCORE_CHUNK, limit - created)
        rows = list(
            _pending(profile).filter(pk__gt=last_pk).order_by("pk").values_list("pk", "case_id", "answers")[:size]
        )
        if not rows:
            break
        with transaction.atomic():
            made = Score.objects.bulk_create(_batch_scores(compiled, rows, profile), ignore_conflicts=True)
            audit_record(
                actor=actor,
                event_type=AuditEvent.Type.SCORES_COMPUTED,
                subject=profile,
                changes={"profile": str(profile), "count": len(made)},
            )
        created += len(rows)
        last_pk = rows[-1][0]
    remaining = _pending(profile).count() if limit is not None else 0
    return RescoreResult(created=created, remaining=remaining)
