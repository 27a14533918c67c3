from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "epigrid.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from epigrid.core.export_jobs import register_export
        from epigrid.core.imports import registry
        from epigrid.core.panels import register_area_panel, register_panel
        from epigrid.supervision.area_panel import area_panel
        from epigrid.supervision.exporters import EXPORTS, supervision_run
        from epigrid.supervision.importers import IMPORTERS
        from epigrid.supervision.meeting_panel import meeting_supervision

        register_area_panel(area_panel)  # the area's tasks in hand and findings to rectify
        register_panel("meeting", meeting_supervision)  # what is overdue, at the meeting
        for importer in IMPORTERS:
            registry.register_importer(importer)  # a desk's list of tasks
        for spec in EXPORTS:
            registry.register_exporter(spec)  # the task ledger, the findings
            register_export(spec.name, supervision_run)  # the same, in the background
