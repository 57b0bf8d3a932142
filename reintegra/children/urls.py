from django.urls import path

from reintegra.children import views

app_name = "children"
urlpatterns = [
    path("case/<str:number>/", views.bip, name="bip"),
    path("case/<str:number>/assessment/", views.assessment_edit, name="assessment"),
    path("case/<str:number>/steps/", views.step_add, name="step_add"),
    path("case/<str:number>/steps/<int:pk>/", views.step_state, name="step_state"),
    path("case/<str:number>/determination/", views.determination_new, name="determine"),
    path("case/<str:number>/review/", views.determination_review, name="review"),
    path("case/<str:number>/close/", views.procedure_close, name="close"),
    path("case/<str:number>/procedures/<int:pk>/", views.procedure_detail, name="procedure"),
]
