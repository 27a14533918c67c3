from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizationConfig(AppConfig):
    name = "epigrid.mobilization"
    label = "mobilization"
    verbose_name = _("Mobilization")

    def ready(self) -> None:
        from epigrid.core.export_jobs import register_export
        from epigrid.core.imports import registry
        from epigrid.core.panels import register_area_panel
        from epigrid.mobilization.area_panel import area_panel
        from epigrid.mobilization.exporters import EXPORTS, mobilization_run
        from epigrid.mobilization.importers import IMPORTERS

        register_area_panel(area_panel)  # the people on duty in the area, payments pending
        for importer in IMPORTERS:
            registry.register_importer(importer)  # a roster of people sent down
        for spec in EXPORTS:
            registry.register_exporter(spec)  # the roster (masked), a fund's ledger
            register_export(spec.name, mobilization_run)  # the same, in the background
