from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from epigrid.core.access import AreaPathField, sees_everything


def save_changed(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Set those of `values` that differ from the instance's and save them alone (with
    `updated_at` where the model has it): a correction that changes nothing writes nothing, and
    the audit log names what changed. The fields changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        stamped = ["updated_at"] if hasattr(instance, "updated_at") else []
        instance.save(update_fields=[*changed, *stamped])
    return changed


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One logged create, update, delete, import, export or reveal of a domain record, or a
    person's record opened."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")
        EXPORT = "export", _("exported")
        VIEW = "view", _("viewed")
        OPEN = "open", _("opened")  # a person's record read (masked): core.audit.record_opened
        LOGIN_FAILED = "login_failed", _("login failed")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100, db_index=True)
    object_pk = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    area_path = AreaPathField(_("area path"), blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_pk"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.model}"


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: Any) -> ImportRunQuerySet:
        """A run is seen by the user who started it and by those who see everything."""
        if sees_everything(user):
            return self.all()
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(user=user)


class ImportRun(models.Model):
    """One import of one file: who, what, how it went, and the rows that were refused."""

    audit_logged: ClassVar[bool] = True  # its services write its audit entries

    class Mode(models.TextChoices):
        VALID_ROWS = "valid_rows", _("Save the valid rows, report the others")
        ALL_OR_NOTHING = "all_or_nothing", _("Save nothing if any row is wrong")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        PARTIAL = "partial", _("done; some rows were refused")
        ROLLED_BACK = "rolled_back", _("nothing saved; some rows are wrong")
        FAILED = "failed", _("failed; the file could not be read")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    importer = models.CharField(_("records"), max_length=50)
    file_name = models.CharField(_("file"), max_length=255)
    # Kept only while the run waits for a worker; deleted when it has run.
    file = models.FileField(_("stored file"), upload_to="imports/%Y/%m/", blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices,
                            default=Mode.VALID_ROWS)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.QUEUED)
    # Messages are written in the language the user had when they started the import.
    language = models.CharField(_("language"), max_length=10, blank=True)
    area_path = AreaPathField(_("area path"), blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # When its task was last handed to the broker; sent again when lost (jobs.resend_stranded).
    sent_at = models.DateTimeField(_("sent to a worker"), null=True, blank=True)
    # Times the run began; above one, its worker died before it ended (core.imports.claims).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_failed = models.PositiveIntegerField(_("rows refused"), default=0)
    # The first errors (capped); errors_total counts them all.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    errors_total = models.PositiveIntegerField(_("errors"), default=0)
    file_error = models.TextField(_("file error"), blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.importer} {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def has_errors(self) -> bool:
        return bool(self.errors_total or self.file_error)


class ExportRun(models.Model):
    """One export written in the background (core.export_jobs): who, what, how far, the file.

    Seen by its own user alone: a file may hold full ID numbers, exported with a reason that
    was theirs. The file goes after EPIGRID_RETAIN_EXPORT_FILES_DAYS (core.retention)."""

    audit_logged: ClassVar[bool] = True  # its services write its audit entries

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"),
                             on_delete=models.CASCADE, related_name="+")
    exporter = models.CharField(_("records"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10)
    file_name = models.CharField(_("file"), max_length=255)
    file = models.FileField(_("stored file"), upload_to="exports/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Runs begun: more than one when a worker died writing it (core.export_jobs).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When its task was last handed to the broker; sent again when lost (core.stranded).
    sent_at = models.DateTimeField(_("sent to a worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.exporter} {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
