"""URLs of the results-framework pages (included in `monitoring.urls`, namespace "monitoring")."""

from django.urls import path

from reintegra.monitoring import views_framework as views

urlpatterns = [
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/new/", views.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework"),
    path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/results/new/", views.result_create, name="result_create"),
    path("frameworks/<int:pk>/progress/", views.progress, name="progress"),
    path("frameworks/<int:pk>/periods/<int:period_pk>/compute/", views.compute, name="compute"),
    path("frameworks/<int:pk>/periods/<int:period_pk>/report/", views.report, name="report"),
    path("results/<int:pk>/edit/", views.result_edit, name="result_edit"),
    path("results/<int:pk>/delete/", views.result_delete, name="result_delete"),
    path("results/<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/periods/<int:period_pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/periods/<int:period_pk>/values/", views.values_entry, name="values"),
    path("programmes/<int:pk>/periods/", views.periods, name="periods"),
]
