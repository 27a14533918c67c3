from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "epigrid.care"
    label = "care"
    verbose_name = _("Beds and transfers")

    def ready(self) -> None:
        # A bad EPIGRID_PLACEMENT_RULES stops start-up with its reason, not the first plan.
        from epigrid.care import rules
        from epigrid.care.case_panel import case_panel
        from epigrid.core.panels import register_panel

        rules.load()
        register_panel("case", case_panel)  # the bed a patient waits for, on the case's page
