from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "epigrid.problems"
    label = "problems"
    verbose_name = _("Problems")

    def ready(self) -> None:
        from epigrid.problems import (
            signals,  # noqa: F401 - connects the path listener
            tasks,  # noqa: F401 - registers the task and its beat entry
        )
