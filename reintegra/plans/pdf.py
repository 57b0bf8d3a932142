"""The printable plan for the returnee's signature, as PDF, from a Django template via WeasyPrint.

Bilingual: every label is printed in the primary language with the other language beneath it
(French and English). The primary language is the case office's language unless `?lang=` asks
for the other; what staff typed (goals, summaries, descriptions) is printed once, as typed.

WeasyPrint needs Pango (a system library); it is imported here, lazily, so the rest of the
application runs where Pango is missing.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from reintegra.plans import services
from reintegra.plans.case_tab import plan_context
from reintegra.plans.models import Delivery, Modality

LANGUAGES = ("fr", "en")
LABELS = {
    "title": _("Reintegration plan"),
    "name": _("Name"),
    "case": _("Case number"),
    "place": _("Place of return"),
    "version": _("Version"),
    "date": _("Plan date"),
    "summary": _("1. Plan summary"),
    "economic": _("Economic"),
    "social": _("Social"),
    "psychosocial": _("Psychosocial"),
    "goals": _("Goals and motivations"),
    "activities": _("2. Assistance"),
    "type": _("Type"),
    "modality": _("Modality"),
    "referral": _("Referral needed?"),
    "provider": _("Provider"),
    "cost": _("Estimated cost"),
    "dates": _("Target dates"),
    "goods": _("3. Goods, equipment and services bought with the reintegration grant"),
    "item": _("Item"),
    "total": _("Total"),
    "referrals": _("4. Referrals"),
    "organisation": _("Organisation"),
    "assistance": _("Assistance to be provided"),
    "improvement": _("5. Expected improvement"),
    "dimension": _("Dimension"),
    "baseline": _("Baseline score"),
    "target": _("Expected score"),
    "signatures": _("Signatures"),
    "returnee": _("The returnee"),
    "case_manager": _("The case manager"),
    "signed_on": _("Date"),
    "agreement": _("I have taken part in preparing this plan and I agree with it."),
    "yes": _("Yes"),
    "no": _("No"),
    "none": _("None"),
}


def _labels(primary: str) -> dict[str, tuple[str, str]]:
    """Each label as (primary language, other language)."""
    secondary = LANGUAGES[1] if primary == LANGUAGES[0] else LANGUAGES[0]
    pairs = {}
    for key, label in LABELS.items():
        with translation.override(primary):
            first = str(label)
        with translation.override(secondary):
            second = str(label)
        pairs[key] = (first, second if second != first else "")
    return pairs


def primary_language(plan, requested: str = "") -> str:
    if requested in LANGUAGES:
        return requested
    office_language = (plan.case.office.language or settings.LANGUAGE_CODE)[:2]
    return office_language if office_language in LANGUAGES else LANGUAGES[0]


def plan_html(request, plan, primary: str) -> str:
    context = plan_context(request, plan.case, plan, versions=[plan])
    activities = [a for row in context["activity_rows"] for a in row["activities"] if a.status != a.Status.CANCELLED]
    context.update(
        case=plan.case,
        person=plan.case.person,
        labels=_labels(primary),
        goods=[a for a in activities if a.modality in (Modality.CASH, Modality.IN_KIND, Modality.VOUCHER)],
        referrals=[a for a in activities if a.delivery == Delivery.REFERRAL],
        primary=primary,
    )
    with translation.override(primary):
        return render_to_string("plans/plan_pdf.html", context, request=request)


def render_document(html: str):
    """The laid-out WeasyPrint document (pages), for writing or inspecting."""
    from weasyprint import HTML  # lazy: needs Pango

    return HTML(string=html).render()


def plan_pdf_bytes(request, plan, primary: str = "") -> bytes:
    language = primary_language(plan, primary)
    content = render_document(plan_html(request, plan, language)).write_pdf()
    services.plan_printed(actor=request.user, plan=plan, language=language)
    return content
