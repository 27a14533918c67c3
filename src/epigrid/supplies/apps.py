from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "epigrid.supplies"
    label = "supplies"
    verbose_name = _("Supplies")

    def ready(self) -> None:
        from epigrid.core.panels import register_area_panel, register_panel
        from epigrid.supplies import signals  # noqa: F401 - connects the path listener
        from epigrid.supplies.area_panel import area_panel
        from epigrid.supplies.meeting_panel import meeting_supplies

        register_area_panel(area_panel)  # what the area is short of
        register_panel("meeting", meeting_supplies)  # the same at the dispatch meeting
