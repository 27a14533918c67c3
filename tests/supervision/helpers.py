"""Shared set-up of the supervision tests: the district's supervisor, a document, a task."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.supervision import documents, inspections, services
from epigrid.supervision.models import Document, DocumentKind, Inspection, Severity, Task
from tests.base import PASSWORD, BaseTestCase


def days(n: int) -> datetime.date:
    """The local day `n` days from today (negative: before)."""
    return timezone.localdate() + datetime.timedelta(days=n)


class SupervisionTestCase(BaseTestCase):
    """The world, plus Guo, the district's supervisor 督查 (the desk that sets tasks)."""

    guo: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.guo = create_user(username="guo", password=PASSWORD, role=Role.SUPERVISOR,
                              home_area=cls.world.district)

    def document(self, title: str = "Notice on closing the markets", **fields: Any) -> Document:
        """A notice received by the district's desk today, registered by Guo."""
        values: dict[str, Any] = {"issuer": "City Command", "kind": DocumentKind.NOTICE,
                                  "received_on": timezone.localdate(),
                                  "reference": "City Command [2020] No. 12"}
        values.update(fields)
        area = values.pop("area", self.world.district)
        by = values.pop("by", self.guo)
        return documents.register_document(area, by=by, title=title, **values)

    def task(self, area: Area | None = None, due_in: int = 3, title: str = "Close the markets",
             **fields: Any) -> Task:
        """A task Guo sets town A (or `area`), due in `due_in` days."""
        by = fields.pop("by", self.guo)
        return services.set_task(area or self.world.town_a, by=by, title=title,
                                 due_on=days(due_in), **fields)

    def inspection(self, area: Area | None = None, findings: int = 1,
                   **fields: Any) -> Inspection:
        """Guo inspects town A's fever clinic today; `findings` findings due in 2 days."""
        facility = fields.pop("facility", self.world.facility_a)
        return inspections.record_inspection(
            area or self.world.town_a, by=fields.pop("by", self.guo),
            inspected_on=timezone.localdate(), inspectors="Guo, Tian", facility=facility,
            findings=[inspections.FindingInput(f"Finding {n + 1}: no sign-in sheet", days(2),
                                               Severity.SERIOUS) for n in range(findings)],
            **fields)
