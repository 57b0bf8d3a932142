from django.urls import path

from reintegra.scoring import views, views_calibration

app_name = "scoring"
urlpatterns = [
    path("", views.profile_list, name="profile_list"),
    path("upload/", views.profile_upload, name="profile_upload"),
    path("calibration/", views_calibration.calibration_page, name="calibration"),
    path("<int:pk>/", views.profile_detail, name="profile_detail"),
    path("<int:pk>/source/", views.profile_source, name="profile_source"),
    path("<int:pk>/default/", views.profile_make_default, name="profile_make_default"),
    path("<int:pk>/rescore/", views.profile_rescore, name="profile_rescore"),
]
