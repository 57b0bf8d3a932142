from django.urls import path

from reintegra.instruments import views, views_import

app_name = "instruments"
urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("cases/<str:number>/start/", views.response_start, name="start"),
    path("responses/<int:pk>/", views.response_page, name="response"),
    path("responses/<int:pk>/flags/<int:flag_pk>/", views.flag_decide, name="flag_decide"),
    path("import/", views_import.import_start, name="import"),
    path("imports/<int:pk>/", views_import.import_report, name="import_report"),
    path("imports/<int:pk>/report.csv", views_import.import_report_csv, name="import_report_csv"),
    path("<slug:code>/upload/", views.instrument_upload, name="upload"),
    path("<slug:code>/versions/<str:version>/current/", views.version_make_current, name="make_current"),
    path("<slug:code>/versions/<str:version>/xlsform/", views.version_xlsform, name="xlsform"),
    path("<slug:code>/versions/<str:version>/xform/", views.version_xform, name="xform"),
]
