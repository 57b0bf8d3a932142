from django.contrib.auth import views as auth_views
from django.urls import path

from reintegra.accounts import views, views_setup

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("me/", views.account, name="account"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("offices/", views_setup.office_list, name="office_list"),
    path("offices/new/", views_setup.office_create, name="office_create"),
    path("offices/<int:pk>/", views_setup.office_edit, name="office_edit"),
    path("programmes/", views_setup.programme_list, name="programme_list"),
    path("programmes/new/", views_setup.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views_setup.programme_edit, name="programme_edit"),
]
