from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "epigrid.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoint passages and duty")

    def ready(self) -> None:
        from epigrid.checkpoints import signals  # noqa: F401 - connects the path listener
        from epigrid.checkpoints.passages import purge_passages
        from epigrid.core.retention import Rule, register_rule

        # Who passed, past the limit; the hourly counts stay (core.retention).
        register_rule(Rule("passages", "checkpoints.Passage", "RETAIN_PASSAGES_DAYS",
                           purge_passages))
