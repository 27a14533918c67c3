"""What the supervision services share beyond core.errors: a scanned attachment's checks."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from epigrid.core.errors import Errors, add

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def check_attachment(errors: Errors, upload: UploadedFile | None, field: str) -> None:
    if upload is not None and (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        add(errors, field, _("The file is larger than %(mb)s MB.")
            % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)})


def stored_name(upload: UploadedFile, fallback: str) -> tuple[str, str]:
    """The name the user gave the file, and the random one it is stored under (no user's
    name reaches the disk)."""
    original = PurePath(upload.name or fallback).name[:200]
    return original, f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()[:10]}"
