from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "epigrid.areas"
    label = "areas"
    verbose_name = _("Areas and sites")

    def ready(self) -> None:
        from epigrid.areas.access import area_names
        from epigrid.areas.exporters import EXPORTS
        from epigrid.areas.importers import IMPORTERS
        from epigrid.core import views
        from epigrid.core.imports import registry

        views.register_path_names(area_names)

        for importer in IMPORTERS:
            registry.register_importer(importer)
        for spec in EXPORTS:
            registry.register_exporter(spec)
