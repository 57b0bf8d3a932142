from django.urls import path

from reintegra.referrals import views, views_desk, views_partner

app_name = "referrals"
urlpatterns = [
    path("desk/", views_desk.desk, name="desk"),
    path("referrals/overdue/", views.overdue, name="overdue"),
    path("referrals/case/<str:number>/new/", views.referral_create, name="create"),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/status/", views.referral_move, name="move"),
    path("referrals/<int:pk>/form.pdf", views.referral_pdf, name="pdf"),
    path("partner/referrals/", views_partner.inbox, name="inbox"),
    path("partner/referrals/<int:pk>/", views_partner.partner_detail, name="partner_detail"),
    path("partner/referrals/<int:pk>/form.pdf", views_partner.partner_pdf, name="partner_pdf"),
    path("partner/referrals/<int:pk>/<slug:action>/", views_partner.partner_action, name="partner_action"),
]
