"""Runs whose task was lost, sent to a worker again (imports and background exports alike).

Lost: the broker was down when the run was sent, or restarted without keeping its messages;
the database was down when a worker took the task (it failed before the run began); a worker
died and its task was not given back. Such a run stays queued, or running with no session
holding its lock (core.imports.claims). Those sent longer than `minutes` ago and held by no
session are sent again: a run still waiting behind others in the queue is then run by whichever
of its two tasks comes first, and the other finds it finished. SQLite cannot tell a live run
from a dead one: nothing is sent there.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from epigrid.core.imports import claims

logger = logging.getLogger(__name__)


def resend(runs: QuerySet[Any], space: int, send: Callable[[int], None], *, minutes: int,
           now: datetime.datetime, kind: str) -> list[int]:
    """Send again the `runs` (queued or running, `sent_at` and `created_at`) that are stranded,
    oldest first; their ids. `kind` names them in the log."""
    if not claims.can_tell():
        return []
    before = now - datetime.timedelta(minutes=minutes)
    model = runs.model
    waiting = runs.filter(Q(sent_at__lt=before) | Q(sent_at=None, created_at__lt=before),
                          status__in=[model.Status.QUEUED, model.Status.RUNNING])
    sent = []
    for run_id in waiting.order_by("created_at", "id").values_list("pk", flat=True):
        if claims.held_elsewhere(run_id, space):
            continue
        try:
            send(run_id)
        except Exception:  # noqa: BLE001 - whatever the broker's client raises: it is down
            # Marked sent only once the broker took it: the next sweep tries it again, and
            # the runs after it, which the broker would refuse as well.
            logger.warning("The broker refused %s run %s; sent again at the next sweep.",
                           kind, run_id, exc_info=True)
            break
        model.objects.filter(pk=run_id).update(sent_at=now)
        sent.append(run_id)
    return sent
