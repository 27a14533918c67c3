from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "epigrid.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from epigrid.core.export_jobs import register_export
        from epigrid.core.imports import registry
        from epigrid.core.retention import Rule, register_rule
        from epigrid.volunteers.digest import purge_digests
        from epigrid.volunteers.exporters import EXPORTS, volunteers_run
        from epigrid.volunteers.importers import IMPORTERS

        for importer in IMPORTERS:
            registry.register_importer(importer)  # a roster of volunteers
        for spec in EXPORTS:
            registry.register_exporter(spec)  # the roster (masked), the hours served
            register_export(spec.name, volunteers_run)  # the same, in the background
        # The digests of claims waiting go with the notices they wrote (core.retention).
        register_rule(Rule("claim_digests", "volunteers.ClaimDigest", "RETAIN_NOTICES_DAYS",
                           purge_digests))
