from django.urls import path

from reintegra.structural import views

app_name = "structural"
urlpatterns = [
    path("", views.stakeholder_list, name="stakeholders"),
    path("stakeholders/new/", views.stakeholder_create, name="stakeholder_create"),
    path("stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/discussions/", views.discussion_add, name="discussion_add"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("capacity/", views.capacity_list, name="capacity_list"),
    path("capacity/new/", views.capacity_create, name="capacity_create"),
    path("capacity/<int:pk>/", views.capacity_detail, name="capacity"),
    path("capacity/<int:pk>/edit/", views.capacity_edit, name="capacity_edit"),
    path("coordination/", views.body_list, name="bodies"),
    path("coordination/new/", views.body_create, name="body_create"),
    path("coordination/<int:pk>/", views.body_detail, name="body"),
    path("coordination/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("coordination/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
]
