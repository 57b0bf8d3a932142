from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:caseload", permanent=False)),
    path("accounts/", include("reintegra.accounts.urls")),
    path("cases/", include("reintegra.cases.urls")),
    path("audit/", include("reintegra.audit.urls")),
    path("directory/", include("reintegra.directory.urls")),
    path("scoring/", include("reintegra.scoring.urls")),
    path("instruments/", include("reintegra.instruments.urls")),
    path("", include("reintegra.referrals.urls")),  # desk/, referrals/, partner/referrals/
    path("plans/", include("reintegra.plans.urls")),
    path("monitoring/", include("reintegra.monitoring.urls")),
    path("exports/", include("reintegra.exports.urls")),
    path("dashboards/", include("reintegra.dashboards.urls")),
    path("best-interests/", include("reintegra.children.urls")),
    path("community/", include("reintegra.community.urls")),
    path("structural/", include("reintegra.structural.urls")),
    path("api/v1/", include("reintegra.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
