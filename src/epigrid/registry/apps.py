from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "epigrid.registry"
    label = "registry"
    verbose_name = _("Registry and screening")

    def ready(self) -> None:
        from epigrid.registry import signals  # noqa: F401 - connects the path listener
