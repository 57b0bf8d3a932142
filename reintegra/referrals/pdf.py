"""The referral form as PDF, from a Django template via WeasyPrint (imported lazily: it needs Pango).

Bilingual like the printed plan: each label in the primary language with the other beneath it. The
form holds only the package as sent (never the live case), the service and the consent basis.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from reintegra.referrals import package as pkg
from reintegra.referrals.models import OverrideReason, Status

LANGUAGES = ("fr", "en")
LABELS = {
    "title": _("Referral form"),
    "reference": _("Reference"),
    "to": _("To"),
    "service": _("Service"),
    "from": _("Referring office"),
    "referred_by": _("Referred by"),
    "sent": _("Sent on"),
    "due": _("First response due"),
    "status": _("Status"),
    "shared": _("Information shared with the returnee's consent"),
    "shared_exception": _("Information shared under the emergency exception"),
    "basis": _("Legal basis"),
    "consent": _("Consent to share with service providers"),
    "exception": _("Emergency exception decided by a mental-health professional"),
    "confidential": _("Confidential: use only for this referral; do not pass on."),
    "answer": _("Answer of the provider"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "date": _("Date"),
    "signature": _("Name and signature"),
}


def _pair(label, primary: str, secondary: str) -> tuple[str, str]:
    with translation.override(primary):
        first = str(label)
    with translation.override(secondary):
        second = str(label)
    return first, second if second != first else ""


def primary_language(referral, requested: str = "") -> str:
    if requested in LANGUAGES:
        return requested
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in LANGUAGES else LANGUAGES[0]


def referral_html(request, referral, primary: str) -> str:
    secondary = LANGUAGES[1] if primary == LANGUAGES[0] else LANGUAGES[0]
    labels = {key: _pair(label, primary, secondary) for key, label in LABELS.items()}
    fields = [
        {"label": _pair(pkg.LABELS.get(item["code"], item["code"]), primary, secondary), "value": value}
        for item, value in (
            (item, pkg.display_value(item["code"], item["value"], primary))
            for item in referral.shared_snapshot.get("fields", [])
        )
    ]
    context = {
        "referral": referral,
        "package": referral.shared_snapshot,
        "labels": labels,
        "fields": fields,
        "status": _pair(Status(referral.status).label, primary, secondary),
        "reason": _pair(OverrideReason(referral.override_reason).label, primary, secondary)
        if referral.override_reason
        else None,
        "primary": primary,
    }
    with translation.override(primary):
        return render_to_string("referrals/referral_pdf.html", context, request=request)


def render_document(html: str):
    from weasyprint import HTML  # lazy: needs Pango

    return HTML(string=html).render()


def referral_pdf_bytes(request, referral, requested: str = "") -> tuple[bytes, str]:
    language = primary_language(referral, requested)
    return render_document(referral_html(request, referral, language)).write_pdf(), language
