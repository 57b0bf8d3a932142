from django.urls import path

from reintegra.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("imports/<int:pk>/", views.import_report, name="import_report"),
    path("agreements/expiring/", views.agreements_expiring, name="agreements_expiring"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/services/new/", views.service_create, name="service_create"),
    path("organisations/<int:pk>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
]
