from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

from config.api import api
from tandem.core import views as core_views
from tandem.dashboard import views as dashboard_views

# The JavaScript catalog changes only with a deploy: browsers and the cache keep it (per language).
STARTED = timezone.now()
javascript_catalog = cache_page(60 * 60 * 24)(
    last_modified(lambda request, **kwargs: STARTED)(JavaScriptCatalog.as_view())
)

handler404 = "config.api.page_not_found"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),
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
