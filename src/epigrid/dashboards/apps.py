from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "epigrid.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from epigrid.core.panels import register_panel
        from epigrid.dashboards.panels import meeting_map

        register_panel("meeting", meeting_map)  # the map of risk levels at the meeting
