"""Background work of the web app: a health check that goes through the broker and a worker."""

from __future__ import annotations

from celery import shared_task

from epigrid.areas.models import Area


@shared_task(name="epigrid.web.healthcheck")
def healthcheck() -> dict[str, object]:
    """A worker is running and reaches the database: it answers with the number of areas."""
    return {"ok": True, "db": Area.objects.count()}
