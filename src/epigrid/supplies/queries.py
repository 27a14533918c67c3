"""How the request lists read requests, the page's and the API's alike: with what was issued
against each, and in the desk's order."""

from __future__ import annotations

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from epigrid.supplies.models import OUTSTANDING, RECIPIENT_RANK, Kind, Movement, SupplyRequest


def with_issued(requests: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
    """Each request with `issued`, what was issued against it: a subquery per row of the page
    (through the ledger's request index), no query per row."""
    issues = (Movement.objects.filter(request=OuterRef("pk"), kind=Kind.ISSUE).order_by()
              .values("request").annotate(total=Sum("quantity")).values("total")[:1])
    return requests.annotate(issued=Value(0) - Coalesce(
        Subquery(issues, output_field=IntegerField()), Value(0)))


def desk_order(requests: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
    """Waiting requests first, in the order allocation serves them (who they are for, the day
    they are needed, first come first served); the rest after them, newest first."""
    waiting = Q(status__in=OUTSTANDING)
    rank = Case(*[When(waiting & Q(recipient=value), then=Value(position))
                  for value, position in RECIPIENT_RANK.items()], output_field=IntegerField())
    return requests.order_by(Case(When(waiting, then=Value(0)), default=Value(1)), rank,
                             Case(When(waiting, then=F("needed_by"))),
                             Case(When(waiting, then=F("pk"))), "-pk")
