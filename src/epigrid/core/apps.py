from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "epigrid.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from epigrid.core import retention_rules

        retention_rules.register()  # the import errors and the audit log (core.retention)
