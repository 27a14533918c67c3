from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "epigrid.cases"
    label = "cases"
    verbose_name = _("Cases, quarantine and contacts")

    def ready(self) -> None:
        from epigrid.cases import (  # noqa: F401 - connect their listeners
            screening_referrals,  # a screening's referrals
            signals,  # area paths that move
        )
        from epigrid.cases.exporters import EXPORTS
        from epigrid.cases.importers import IMPORTERS
        from epigrid.core.imports import registry

        for importer in IMPORTERS:
            registry.register_importer(importer)
        for spec in EXPORTS:
            registry.register_exporter(spec)
        from epigrid.cases import figure_tasks  # noqa: F401 - registers the Celery task
        from epigrid.cases.case_views import person_panel
        from epigrid.cases.figure_views import area_panel
        from epigrid.cases.followup_round import round_panel
        from epigrid.core.panels import register_area_panel, register_panel

        register_area_panel(area_panel)  # the case figures on the area page
        register_panel("person", person_panel)  # a person's cases on the person page
        register_panel("round", round_panel)  # the follow-ups due on the grid worker's round
