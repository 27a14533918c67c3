from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "epigrid.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from epigrid.core.export_jobs import register_export
        from epigrid.core.imports import registry
        from epigrid.supervision.exporters import EXPORTS, supervision_run
        from epigrid.supervision.importers import IMPORTERS

        for importer in IMPORTERS:
            registry.register_importer(importer)  # a desk's task list 督办台账
        for spec in EXPORTS:
            registry.register_exporter(spec)  # the task ledger, the findings
            register_export(spec.name, supervision_run)  # the same, in the background
