from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "epigrid.alerts"
    label = "alerts"
    verbose_name = _("Notices and alerts")

    def ready(self) -> None:
        from epigrid.alerts.services import purge_notices
        from epigrid.core.retention import Rule, register_rule

        register_rule(Rule("notices", "alerts.Notice", "RETAIN_NOTICES_DAYS", purge_notices))
