from django.urls import path

from tandem.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_settings, name="settings"),
    path("identity/", views.account_identity, name="identity"),
    path("language/", views.account_language, name="language"),
    path("tokens/", views.api_token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
]
