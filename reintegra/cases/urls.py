from django.urls import path

from reintegra.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("register/", views.register, name="register"),
    path("tasks/overdue/", views.tasks_overdue, name="tasks_overdue"),
    path("<str:number>/", views.case_detail, name="case_detail"),
    path("<str:number>/profile/", views.person_edit, name="person_edit"),
    path("<str:number>/return/", views.case_edit, name="case_edit"),
    path("<str:number>/stage/", views.case_stage, name="case_stage"),
    path("<str:number>/assign/", views.case_assign, name="case_assign"),
    path("<str:number>/transfer/", views.case_transfer, name="case_transfer"),
    path("<str:number>/close/", views.case_close, name="case_close"),
    path("<str:number>/reopen/", views.case_reopen, name="case_reopen"),
    path("<str:number>/household/", views.household_add, name="household_add"),
    path("<str:number>/consents/", views.consent_add, name="consent_add"),
    path("<str:number>/consents/<int:pk>/document/", views.consent_document, name="consent_document"),
    path("<str:number>/notes/", views.note_add, name="note_add"),
    path("<str:number>/tasks/", views.task_add, name="task_add"),
    path("<str:number>/tasks/<int:pk>/status/", views.task_status, name="task_status"),
]
