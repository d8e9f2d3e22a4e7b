from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "tandem.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from tandem.matching import selectors
        from tandem.partnerships import slots

        slots.partnership_introduction.fill(selectors.partnership_introduction)
