from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "epigrid.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoint passages and duty")

    def ready(self) -> None:
        from epigrid.checkpoints import signals  # noqa: F401 - connects the path listener
