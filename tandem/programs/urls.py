from tandem.programs.views import (
    intake,
    invitations,
    manage,
    member_import,
    program,
    roster,
    waitlist,
)

app_name = "programs"

# Each feature module owns its URL patterns; the public "<slug>/" page comes last
# so that fixed prefixes in the feature modules win.
urlpatterns = [
    *waitlist.urlpatterns,
    *intake.urlpatterns,
    *member_import.urlpatterns,
    *invitations.urlpatterns,
    *roster.urlpatterns,
    *manage.urlpatterns,
    *program.urlpatterns,
]
