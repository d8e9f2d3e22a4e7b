from django.urls import path

from tandem.integrations import views

app_name = "integrations"

urlpatterns = [
    path("<slug:slug>/", views.integrations_list, name="list"),
    path("<slug:slug>/webhooks/", views.webhook_add, name="webhook_add"),
    path("<slug:slug>/chat/", views.chat_add, name="chat_add"),
    path("<slug:slug>/endpoints/<int:pk>/remove/", views.endpoint_remove, name="remove"),
    path("<slug:slug>/endpoints/<int:pk>/secret/", views.secret_rotate, name="secret_rotate"),
    path("<slug:slug>/endpoints/<int:pk>/ping/", views.endpoint_ping, name="ping"),
]
