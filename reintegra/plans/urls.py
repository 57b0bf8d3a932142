from django.urls import path

from reintegra.plans import views

app_name = "plans"
V = "<str:number>/v<int:version>"
urlpatterns = [
    path("", views.plans_home, name="home"),
    path("awaiting/", views.plans_awaiting, name="awaiting"),
    path("late/", views.plans_late, name="late"),
    path("budget/", views.budget, name="budget"),
    path("rates/", views.exchange_rates, name="rates"),
    path("case/<str:number>/new/", views.plan_create, name="create"),
    path("case/<str:number>/delay/", views.delay_exception, name="delay"),
    path("case/<str:number>/implementation/", views.start_implementation, name="implementation"),
    path(f"case/{V}/", views.plan_detail, name="plan"),
    path(f"case/{V}/edit/", views.plan_edit, name="edit"),
    path(f"case/{V}/revise/", views.plan_revise, name="revise"),
    path(f"case/{V}/submit/", views.plan_submit, name="submit"),
    path(f"case/{V}/approve/", views.plan_approve, name="approve"),
    path(f"case/{V}/return/", views.plan_return, name="return"),
    path(f"case/{V}/agreement/", views.plan_agreement, name="agreement"),
    path(f"case/{V}/agreement/document/", views.agreement_document, name="agreement_document"),
    path(f"case/{V}/pdf/", views.plan_pdf, name="pdf"),
    path(f"case/{V}/activities/new/", views.activity_add, name="activity_add"),
    path(f"case/{V}/activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    path(f"case/{V}/activities/<int:pk>/remove/", views.activity_remove, name="activity_remove"),
    path(f"case/{V}/activities/<int:pk>/status/", views.activity_status, name="activity_status"),
    path(f"case/{V}/activities/<int:pk>/payments/new/", views.disbursement_add, name="disbursement_add"),
    path(f"case/{V}/payments/<int:pk>/certificate/", views.disbursement_certificate, name="certificate"),
    path(f"case/{V}/payments/<int:pk>/confirm/", views.disbursement_confirm, name="confirm"),
]
