"""What the supervision services share: errors by field, the local day, sight of an area."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.access import may_see_path

Errors = dict[str, list[str]]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def refuse(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def local_day(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def sees(user: Any, path: str) -> bool:
    """An active user whose subtree holds `path` (None is the system itself: it sees all)."""
    return user is None or bool(user.is_active and may_see_path(user, path))


def required(errors: Errors, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        add(errors, field, message)
    return value


def check_attachment(errors: Errors, upload: UploadedFile | None, field: str) -> None:
    if upload is not None and (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        add(errors, field, _("The file is larger than %(mb)s MB.")
            % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)})


def stored_name(upload: UploadedFile, fallback: str) -> tuple[str, str]:
    """The name the user gave the file, and the random one it is stored under (no user's
    name reaches the disk)."""
    original = PurePath(upload.name or fallback).name[:200]
    return original, f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()[:10]}"
