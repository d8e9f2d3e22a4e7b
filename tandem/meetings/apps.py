from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tandem.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from tandem.meetings.calendar import partnership_ended_invitation
        from tandem.meetings.services import partnership_meetings_end
        from tandem.partnerships import slots

        slots.partnership_ending.fill(partnership_meetings_end)
        slots.partnership_ended_invitation.fill(partnership_ended_invitation)
