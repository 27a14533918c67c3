from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "epigrid.problems"
    label = "problems"
    verbose_name = _("Problems")

    def ready(self) -> None:
        from epigrid.core.panels import register_area_panel
        from epigrid.problems import (
            signals,  # noqa: F401 - connects the path listener
            tasks,  # noqa: F401 - registers the task and its beat entry
        )
        from epigrid.problems.area_panel import area_panel

        register_area_panel(area_panel)  # the open problems on the area page
