from django.urls import path

from reintegra.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("programmes/<int:programme_pk>/rules/", views.rules, name="rules"),
    path("programmes/<int:programme_pk>/schedule/", views.schedule, name="schedule"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("samples/", views.samples, name="samples"),
    path("samples/new/", views.sample_create, name="sample_create"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("samples/<int:pk>/redraw/", views.sample_redraw, name="sample_redraw"),
    path("samples/<int:pk>/members.csv", views.sample_csv, name="sample_csv"),
    path("samples/<int:pk>/members/<int:member_pk>/", views.member_outcome, name="member_outcome"),
]

# Results framework (its own module; hook added by the results-framework work).
from reintegra.monitoring.urls_framework import urlpatterns as framework_urlpatterns  # noqa: E402

urlpatterns += framework_urlpatterns
