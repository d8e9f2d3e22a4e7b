from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.api import api
from tandem.core import views as core_views
from tandem.dashboard import views as dashboard_views

handler404 = "config.api.page_not_found"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("tandem.accounts.urls")),
    path("me/", include("tandem.privacy.urls")),
    path("p/", include("tandem.programs.urls")),
    path("matching/", include("tandem.matching.urls")),
    path("partnerships/", include("tandem.partnerships.urls")),
    path("meetings/", include("tandem.meetings.urls")),
    path("goals/", include("tandem.goals.urls")),
    # Support mounts its own prefixes: /support/, and the help requests' older addresses.
    path("", include("tandem.support.urls")),
    path("worksheets/", include("tandem.worksheets.urls")),
    path("dashboard/", include("tandem.dashboard.urls")),
    path("announcements/", include("tandem.announcements.urls")),
    path("cohorts/", include("tandem.cohorts.urls")),
    path("integrations/", include("tandem.integrations.urls")),
    path("audit/", include("tandem.dashboard.urls_audit")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
