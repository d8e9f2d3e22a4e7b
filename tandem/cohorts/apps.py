from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "tandem.cohorts"
    label = "cohorts"
    verbose_name = "Next cohort (copy a program)"
