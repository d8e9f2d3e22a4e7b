from django.urls import path

from tandem.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("<int:pk>/", views.partnership_detail, name="detail"),
]

# Ground rules, the life of a partnership and messages (one module each, see docs/partnerships.md).
from tandem.partnerships import (  # noqa: E402
    views_agreement,
    views_export,
    views_life,
    views_messages,
)

urlpatterns += views_agreement.urlpatterns + views_life.urlpatterns + views_messages.urlpatterns
urlpatterns += views_export.urlpatterns
