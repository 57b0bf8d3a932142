from django.urls import path

from reintegra.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("plans/", views.plans, name="plans"),
    path("rss/", views.rss, name="rss"),
    path("data/<slug:name>.csv", views.panel_csv, name="panel_csv"),
]
