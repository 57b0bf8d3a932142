from django.urls import path

from reintegra.community import views

app_name = "community"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="community_create"),
    path("<int:pk>/", views.community_detail, name="community"),
    path("<int:pk>/edit/", views.community_edit, name="community_edit"),
    path("<int:pk>/profiles/new/", views.profile_create, name="profile_create"),
    path("<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/returnees/", views.returnee_add, name="returnee_add"),
    path("projects/<int:pk>/residents/", views.resident_add, name="resident_add"),
    path(
        "projects/<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
]
