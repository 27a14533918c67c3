"""Security-matrix entries of the mobilization API (merged into the matrix).

Alice has formed two teams in town A (one to stand down, put back whenever the insider has
stood it down) and recorded two people sent down to Village A1 (one to recall, likewise put
back), and commended one. Town A's desk keeps a fund (the matrix's: a district fund would be
seen by town B, who apply to it), with money from the town's finance office; Alice applied to
it three times: one payment to approve and one to reject (town A's command decides), one
approved to pay (the admin keeps the funds). Writes whose body must name an id the matrix
cannot know (an area, a fund) use id 0, missing for everyone: the insider, past the 404 and the
403, is refused on it (422).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epigrid.mobilization import funds, services
from epigrid.mobilization.models import (
    Approval,
    Deployment,
    Fund,
    FundEntry,
    Payment,
    PaymentKind,
    PaymentStatus,
    Team,
    TeamKind,
)
from tests.base import World
from tests.security.matrix import Entry, obj, page

TEAM, TO_STAND_DOWN = "Matrix API: East Lane Commando", "Matrix API: to stand down"
PERSON, TO_RECALL = "Matrix API Person", "Matrix API To Recall"
FUND = "Matrix API: Dongcheng Fund"
TO_APPROVE, TO_REJECT, TO_PAY = ("Matrix API: to approve", "Matrix API: to reject",
                                 "Matrix API: to pay")
AGO = timezone.localdate() - datetime.timedelta(days=3)


def prepare(w: World) -> None:
    for name in (TEAM, TO_STAND_DOWN):
        services.form_team(w.town_a, by=w.alice, kind=TeamKind.COMMANDO, name=name,
                           formed_on=AGO)
    for name, phone in ((PERSON, "13766609901"), (TO_RECALL, "13766609902")):
        services.deploy(w.village_a1, by=w.alice, name=name, unit="District Housing Bureau",
                        phone=phone, arrived_on=AGO, team=Team.objects.get(name=TEAM))
    services.commend(w.town_a, by=w.alice, honour="Outstanding individual",
                     awarded_on=AGO, awarded_by="Town Committee",
                     deployment=Deployment.objects.get(name=PERSON))
    fund = funds.open_fund(w.town_a, by=w.admin, name=FUND)
    funds.receive(fund, by=w.admin, amount=Decimal("10000"),
                  counterpart="Dongcheng Town Finance Office", voucher="MX-R-1")
    for beneficiary in (TO_APPROVE, TO_REJECT, TO_PAY):
        funds.apply(fund, w.village_a1, by=w.alice, kind=PaymentKind.CONDOLENCE,
                    amount=Decimal("500"), reason="Matrix", beneficiary=beneficiary)
    funds.approve(Payment.objects.get(beneficiary=TO_PAY), by=w.admin)


def _team(w: World) -> dict[str, Any]:
    return {"team_id": Team.objects.get(name=TEAM).pk}


def _to_stand_down(w: World) -> dict[str, Any]:
    team = Team.objects.get(name=TO_STAND_DOWN)
    if team.stood_down_on is not None:
        Team.objects.filter(pk=team.pk).update(stood_down_on=None)
    return {"team_id": team.pk}


def _person(w: World) -> dict[str, Any]:
    return {"person_id": Deployment.objects.get(name=PERSON).pk}


def _to_recall(w: World) -> dict[str, Any]:
    person = Deployment.objects.get(name=TO_RECALL)
    if person.left_on is not None:
        Deployment.objects.filter(pk=person.pk).update(left_on=None)
    return {"person_id": person.pk}


def _fund(w: World) -> dict[str, Any]:
    return {"fund_id": Fund.objects.get(name=FUND).pk}


def _payment(beneficiary: str, status: str) -> Any:
    """The payment, put back in `status` whenever the insider has moved it on."""
    def target(w: World) -> dict[str, Any]:
        payment = Payment.objects.get(beneficiary=beneficiary)
        if payment.status != status:
            FundEntry.objects.filter(payment=payment).delete()
            if status == PaymentStatus.SUBMITTED:
                Approval.objects.filter(payment=payment).delete()
            Payment.objects.filter(pk=payment.pk).update(status=status)
        return {"payment_id": payment.pk}
    return target


BASE = "/api/mobilization"
PAGES: dict[str, Entry] = {}
API: dict[str, Entry] = {
    # `active` is the deprecated alias of `status`, still read for one release.
    f"GET {BASE}/teams": page(queries=("", "?status=any", "?status=stood_down",
                                       "?active=false", "?area={town_a}&status=any",
                                       "?kind=commando")),
    f"POST {BASE}/teams": page(methods=("post",), data={
        "area": 0, "kind": "commando", "name": "Matrix"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/teams/{{team_id}}": obj(_team),
    # A correction of no field: 200, nothing written.
    f"PATCH {BASE}/teams/{{team_id}}": obj(_team, methods=("patch",)),
    f"POST {BASE}/teams/{{team_id}}/stand-down": obj(_to_stand_down, methods=("post",)),
    # `on_duty` is the deprecated alias of `status`, still read for one release.
    f"GET {BASE}/people": page(queries=("", "?status=any", "?status=left", "?on_duty=false",
                                        "?area={town_a}&status=any", "?q=Matrix")),
    f"POST {BASE}/people": page(methods=("post",), data={
        "area": 0, "name": "Matrix", "unit": "Matrix", "phone": "13766609909"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/people/{{person_id}}": obj(_person),
    # A correction of no field: 200, nothing written.
    f"PATCH {BASE}/people/{{person_id}}": obj(_person, methods=("patch",)),
    f"POST {BASE}/people/{{person_id}}/recall": obj(_to_recall, methods=("post",)),
    f"GET {BASE}/commendations": page(queries=("", "?area={town_a}")),
    f"POST {BASE}/commendations": page(methods=("post",), data={
        "area": 0, "recipient": "Matrix", "honour": "Matrix", "awarded_by": "Matrix"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/funds": page(),
    # Opening a fund is an approver's (a_command); the area 0 is refused past the 403.
    f"POST {BASE}/funds": page(methods=("post",), data={"area": 0, "name": "Matrix"},
                               insider="a_command", insider_ok=frozenset({422}),
                               shows_a=False),
    f"GET {BASE}/funds/{{fund_id}}": obj(_fund),
    # The ledger names the town's finance office, which sent the money.
    f"GET {BASE}/funds/{{fund_id}}/ledger": obj(_fund),
    # Money received: the keeper's (KEEP_FUNDS: the admin among the matrix's people).
    f"POST {BASE}/funds/{{fund_id}}/receipts": obj(
        _fund, methods=("post",), data={"amount": "10.00", "counterpart": "Matrix"},
        insider="admin", insider_ok=frozenset({201})),
    f"GET {BASE}/payments": page(queries=("", "?status=submitted", "?area={town_a}")),
    f"POST {BASE}/payments": page(methods=("post",), data={
        "fund": 0, "kind": "condolence", "amount": "10", "reason": "Matrix",
        "beneficiary": "Matrix"}, insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/payments/{{payment_id}}": obj(_payment(TO_APPROVE, PaymentStatus.SUBMITTED)),
    f"POST {BASE}/payments/{{payment_id}}/approve": obj(
        _payment(TO_APPROVE, PaymentStatus.SUBMITTED), methods=("post",),
        data={"note": "matrix"}, insider="a_command"),
    f"POST {BASE}/payments/{{payment_id}}/reject": obj(
        _payment(TO_REJECT, PaymentStatus.SUBMITTED), methods=("post",),
        data={"note": "matrix"}, insider="a_command"),
    f"POST {BASE}/payments/{{payment_id}}/pay": obj(
        _payment(TO_PAY, PaymentStatus.APPROVED), methods=("post",),
        data={"voucher": "MX-1"}, insider="admin"),
}
