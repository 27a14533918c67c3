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
        from epigrid.core.export_jobs import register_export
        from epigrid.core.imports import registry
        from epigrid.supplies.exporters import EXPORTS, supplies_run
        from epigrid.supplies.importers import IMPORTERS

        for importer in IMPORTERS:
            registry.register_importer(importer)  # the catalogue, a desk's receipts
        for spec in EXPORTS:
            registry.register_exporter(spec)  # stock, ledger, donations
            register_export(spec.name, supplies_run)  # the same, in the background
