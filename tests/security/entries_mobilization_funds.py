"""Security-matrix entries of the mobilization app's fund and payment pages 慰问金、补助资金
(merged into the matrix).

Town A keeps a fund (opened by the district's command, 10,000 yuan received); Alice has applied
to it for four payments for village A1: one to look at, one the town's command approves, one it
rejects, one the keeper pays (the admin: the matrix's only persona holding KEEP_FUNDS in town A).
Each is put back in the state its call needs whatever a call before did, by queryset writes
that leave no audit entry. Forms sent empty are refused (400) and write nothing.
"""

from __future__ import annotations

from decimal import Decimal

from epigrid.mobilization import funds
from epigrid.mobilization.models import (
    Approval,
    Fund,
    FundEntry,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from tests.base import World
from tests.security.matrix import Entry, obj, page

FUND = "Matrix: Dongcheng relief fund"
TO_VIEW, TO_APPROVE, TO_REJECT, TO_PAY = (
    "Matrix: Wang Qiang", "Matrix: to approve", "Matrix: to reject", "Matrix: to pay")


def prepare(w: World) -> None:
    fund = funds.open_fund(w.town_a, by=w.command, name=FUND)
    funds.receive(fund, by=w.command, amount=Decimal("10000"), counterpart="Matrix donors",
                  voucher="MX-R-1")
    for beneficiary in (TO_VIEW, TO_APPROVE, TO_REJECT, TO_PAY):
        funds.apply(fund, w.village_a1, by=w.alice, kind=PaymentKind.CONDOLENCE,
                    amount=Decimal("100"), reason="Matrix: fell ill on duty",
                    beneficiary=beneficiary)


def _fund(w: World) -> Fund:
    return Fund.objects.get(name=FUND)


def _payment(beneficiary: str, status: str) -> Payment:
    """The payment, with no decision and no ledger line, in `status`."""
    payment = Payment.objects.get(beneficiary=beneficiary)
    Approval.objects.filter(payment=payment).delete()
    FundEntry.objects.filter(payment=payment).delete()
    Payment.objects.filter(pk=payment.pk).update(status=status)
    return payment


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
DONE = frozenset({302})
PAGES: dict[str, Entry] = {
    "mobilization:funds": page(),
    # Opening a fund is an approver's: Alice gets 403.
    "mobilization:fund_new": page(methods=("get", "post"), insider="a_command",
                                  insider_ok=EMPTY_FORM),
    "mobilization:fund": obj(_fund, queries=("", "?page=2")),
    "mobilization:fund_receive": obj(_fund, methods=("post",),
                                     data={"amount": "1", "counterpart": "matrix"},
                                     insider="admin", insider_ok=DONE),
    "mobilization:payments": page(queries=("", "?status=any", "?mine=on", "?q=Matrix",
                                           "?area={town_a}")),
    "mobilization:payment_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "mobilization:payment": obj(lambda w: _payment(TO_VIEW, PaymentStatus.SUBMITTED)),
    "mobilization:payment_approve": obj(lambda w: _payment(TO_APPROVE, PaymentStatus.SUBMITTED),
                                        methods=("post",), data={"note": "matrix"},
                                        insider="a_command", insider_ok=DONE),
    "mobilization:payment_reject": obj(lambda w: _payment(TO_REJECT, PaymentStatus.SUBMITTED),
                                       methods=("post",), data={"note": "matrix"},
                                       insider="a_command", insider_ok=DONE),
    "mobilization:payment_pay": obj(lambda w: _payment(TO_PAY, PaymentStatus.APPROVED),
                                    methods=("post",), data={"voucher": "MX-P-1"},
                                    insider="admin", insider_ok=DONE),
}

API: dict[str, Entry] = {}
