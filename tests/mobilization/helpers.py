"""Shared set-up of the mobilization tests: the district's fund keeper and a second approver,
a team, a person sent down, a fund with money in it, a payment applied for."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.mobilization import funds, services
from epigrid.mobilization.models import (
    Deployment,
    Fund,
    Payment,
    PaymentKind,
    Team,
    TeamKind,
)
from tests.base import PASSWORD, BaseTestCase

_phones = itertools.count(13800000001)


def days(n: int) -> datetime.date:
    """The local day `n` days from today (negative: before)."""
    return timezone.localdate() + datetime.timedelta(days=n)


def new_phone() -> str:
    """A mobile number no other person of the test holds."""
    return str(next(_phones))


class MobilizationTestCase(BaseTestCase):
    """The world, plus Wu, the district's fund keeper (logistics, KEEP_FUNDS), and Qian, a
    second district commander (the second approver of a large payment)."""

    wu: User
    qian: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.wu = create_user(username="wu", password=PASSWORD, role=Role.LOGISTICS,
                             home_area=cls.world.district)
        cls.qian = create_user(username="qian", password=PASSWORD, role=Role.COMMAND,
                               home_area=cls.world.district)

    def team(self, area: Area | None = None, name: str = "Dongcheng Commando Team",
             **fields: Any) -> Team:
        """Alice forms a party commando team in town A (or `area`) five days ago."""
        values: dict[str, Any] = {"kind": TeamKind.COMMANDO, "formed_on": days(-5)}
        values.update(fields)
        by = values.pop("by", self.world.alice)
        return services.form_team(area or self.world.town_a, by=by, name=name, **values)

    def deployment(self, area: Area | None = None, name: str = "Chen Ming",
                   **fields: Any) -> Deployment:
        """Alice records a cadre of the district's housing bureau sent down to village A1
        (or `area`) three days ago."""
        values: dict[str, Any] = {"unit": "District Housing Bureau", "phone": new_phone(),
                                  "arrived_on": days(-3)}
        values.update(fields)
        by = values.pop("by", self.world.alice)
        return services.deploy(area or self.world.village_a1, by=by, name=name, **values)

    def fund(self, money: str = "50000", **fields: Any) -> Fund:
        """The district's condolence fund, opened by Zhou, with `money` yuan received."""
        by = fields.pop("by", self.world.command)
        fund = funds.open_fund(self.world.district, by=by,
                               name=fields.pop("name", "Frontline Condolence Fund"), **fields)
        if Decimal(money):
            funds.receive(fund, by=self.wu, amount=Decimal(money),
                          counterpart="District Finance Bureau", voucher="R-001")
        return fund

    def payment(self, fund: Fund, amount: str = "2000", **fields: Any) -> Payment:
        """Alice applies for a condolence payment for town A."""
        values: dict[str, Any] = {"kind": PaymentKind.CONDOLENCE,
                                  "beneficiary": "Family of Wang Qiang",
                                  "reason": "Fell ill on duty at the checkpoint"}
        values.update(fields)
        by = values.pop("by", self.world.alice)
        area = values.pop("area", self.world.town_a)
        return funds.apply(fund, area, by=by, amount=Decimal(amount), **values)
