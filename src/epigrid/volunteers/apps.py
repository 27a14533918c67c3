from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "epigrid.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from epigrid.core.export_jobs import register_export
        from epigrid.core.imports import registry
        from epigrid.volunteers.exporters import EXPORTS, volunteers_run
        from epigrid.volunteers.importers import IMPORTERS

        for importer in IMPORTERS:
            registry.register_importer(importer)  # a roster of volunteers
        for spec in EXPORTS:
            registry.register_exporter(spec)  # the roster (masked), the hours served
            register_export(spec.name, volunteers_run)  # the same, in the background
