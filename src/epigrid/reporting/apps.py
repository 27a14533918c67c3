from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "epigrid.reporting"
    label = "reporting"
    verbose_name = _("Daily figures and reports")

    def ready(self) -> None:
        from epigrid.reporting import metrics, signals, tasks  # noqa: F401 - beat entries, paths

        metrics.families()  # registers every family now: a clash of codes stops start-up
