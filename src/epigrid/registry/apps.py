from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "epigrid.registry"
    label = "registry"
    verbose_name = _("Registry and screening")

    def ready(self) -> None:
        from epigrid.core.imports import registry
        from epigrid.registry import signals  # noqa: F401 - connects the path listener
        from epigrid.registry.exporters import EXPORTS
        from epigrid.registry.importers import IMPORTERS

        for importer in IMPORTERS:
            registry.register_importer(importer)
        for spec in EXPORTS:
            registry.register_exporter(spec)
        from epigrid.core.export_jobs import register_export
        from epigrid.registry.exporters import roster_run

        register_export("roster", roster_run)  # the roster page's export, in the background
        from epigrid.core.panels import register_area_panel
        from epigrid.registry.progress_panel import area_panel

        register_area_panel(area_panel)  # the screening figures on the area page
