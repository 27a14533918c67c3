"""Shared set-up of the supplies tests: two logistics desks, a catalogue, stock in the depots."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.supplies import services
from epigrid.supplies.models import Category, Item, Priority, Recipient, SupplyRequest
from tests.base import PASSWORD, BaseTestCase


class SuppliesTestCase(BaseTestCase):
    """The world, plus Xu (the district's logistics desk), Ma (town A's), and three items."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.xu = create_user(username="xu", password=PASSWORD, role=Role.LOGISTICS,
                             home_area=w.district)
        cls.ma = create_user(username="ma", password=PASSWORD, role=Role.LOGISTICS,
                             home_area=w.town_a)
        cls.n95 = Item.objects.create(code="n95", name="N95 mask", unit="pcs",
                                      category=Category.MASKS, priority=Priority.SCARCE)
        cls.surgical = Item.objects.create(code="surgical-mask", name="Surgical mask",
                                           unit="pcs", category=Category.MASKS,
                                           priority=Priority.ESSENTIAL)
        cls.disinfectant = Item.objects.create(code="disinfectant", name="Disinfectant 500 ml",
                                               unit="bottles", category=Category.DISINFECTANT,
                                               alert_days=5)

    def stock(self, quantity: int, item: Item | None = None, warehouse: object = None) -> None:
        """Receive `quantity` of the item (N95) at the warehouse (town A's depot)."""
        services.receive(warehouse or self.world.warehouse_a, item or self.n95, quantity,
                         by=self.ma, party="City reserve")

    def ask(self, quantity: int, recipient: str = Recipient.MEDICAL, area: object = None,
            item: Item | None = None, needed_in: int = 1) -> SupplyRequest:
        """A request from an area (village A1) for `quantity` of the item (N95)."""
        return services.raise_request(
            area or self.world.village_a1, by=self.world.alice, item=item or self.n95,
            quantity=quantity, recipient=recipient,
            needed_by=timezone.localdate() + datetime.timedelta(days=needed_in))
