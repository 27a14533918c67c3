from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingConfig(AppConfig):
    name = "epigrid.briefing"
    label = "briefing"
    verbose_name = _("Dispatch meeting and briefing")

    def ready(self) -> None:
        # An alert level naming an unknown metric stops start-up with its reason, not the first
        # meeting page (the settings cannot check codes: they load before the registry).
        from epigrid.briefing import talking

        talking.alert_levels()
