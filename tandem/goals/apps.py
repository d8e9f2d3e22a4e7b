from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "tandem.goals"
    label = "goals"
    verbose_name = "Goals, check-ins and surveys"
