"""Notices: one message to the users of some areas' subtrees and some roles, and who read it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from epigrid.alerts.wording import in_language
from epigrid.core.access import AreaPathField, ScopedQuerySet


class Notice(models.Model):
    # Where the notice was raised (the first target area): scopes who may see it in lists.
    area_path = AreaPathField(db_index=True, editable=False)
    target_paths = models.JSONField(_("areas"), default=list)
    roles = models.JSONField(_("roles"), default=list)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # {language code: [title, body]} (alerts.wording); title and body are the deployment's
    # language's, or the only wording of a notice written once.
    wording = models.JSONField(_("wording"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    # Who wrote it, for a notice sent by hand (alerts.sending); the apps' own have nobody.
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    by_sms = models.BooleanField(_("also by text message"), default=False)
    by_email = models.BooleanField(_("also by e-mail"), default=False)
    # Reminders 催读 of those who have not read it (alerts.reminders): the last one, and how many.
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True, editable=False)
    reminders = models.PositiveIntegerField(_("reminders"), default=0, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def shown(self) -> tuple[str, str]:
        """(title, body) in the language active now: the reader's."""
        return in_language(self.wording, (self.title, self.body), translation.get_language())


class Receipt(models.Model):
    """A notice delivered to one user's inbox; read_at is the acknowledgement."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="receipts")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # A notice texted too (Notice.by_sms): when the gateway took the phone, or why not, as a
    # code (NO_PHONE, "http:503", "unreachable:..."), worded in the reader's language by
    # `text_problem`.
    texted_at = models.DateTimeField(_("texted"), null=True, blank=True)
    text_error = models.CharField(_("not texted because"), max_length=200, blank=True)
    # A notice e-mailed too (Notice.by_email, alerts.mailing): when the mail server took the
    # message, or why not, as a code (NO_EMAIL, "refused:...", "unreachable:...").
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.CharField(_("not e-mailed because"), max_length=200, blank=True)
    # When the notice's last reminder reached this receipt, unread then (alerts.reminders): the
    # inbox shows it first, marked.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.UniqueConstraint(fields=["notice", "user"],
                                               name="one_receipt_per_user")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.notice_id} -> {self.user_id}"

    @property
    def text_problem(self) -> str:
        """Why the notice was not texted to this user, in the language active now."""
        return describe_text_error(self.text_error)

    @property
    def email_problem(self) -> str:
        """Why the notice was not e-mailed to this user, in the language active now."""
        return describe_email_error(self.email_error)


NO_PHONE = "no_phone"
NO_EMAIL = "no_email"


def describe_text_error(code: str) -> str:
    kind, _colon, detail = code.partition(":")
    if code == NO_PHONE:
        return str(_("No phone."))
    if kind == "http":
        return str(_("The SMS gateway refused it (HTTP %(status)s).") % {"status": detail})
    if kind == "unreachable":
        return str(_("The SMS gateway did not answer (%(reason)s).") % {"reason": detail})
    return code


def describe_email_error(code: str) -> str:
    kind, _colon, detail = code.partition(":")
    if code == NO_EMAIL:
        return str(_("No e-mail address."))
    if kind == "refused":
        return str(_("The mail server refused it (%(reason)s).") % {"reason": detail})
    if kind == "unreachable":
        return str(_("The mail server did not answer (%(reason)s).") % {"reason": detail})
    return code
