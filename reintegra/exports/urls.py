from django.urls import path

from reintegra.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_page, name="index"),
    path("download/", views.export_download, name="download"),
]
