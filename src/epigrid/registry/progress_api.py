"""API of screening progress (router mounted at /api/progress): the stored figures of an area
of a campaign, with its children and days. Scoped like the pages: missing and forbidden are 404."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from epigrid.core.api import api_user
from epigrid.registry.progress_views import Row, area_figures, campaign_and_area

router = Router(tags=["progress"])


class FiguresOut(Schema):
    area_id: int
    area_name: str
    households_total: int
    households_visited: int
    households_unvisited: int
    percent_visited: int
    persons_screened: int
    persons_abnormal: int


class DayOut(Schema):
    day: datetime.date
    households_visited: int
    persons_screened: int
    persons_abnormal: int


class AreaProgressOut(Schema):
    campaign_id: int
    campaign_name: str
    computed_at: datetime.datetime | None
    figures: FiguresOut
    children: list[FiguresOut]
    days: list[DayOut]


def figures_out(row: Row) -> FiguresOut:
    return FiguresOut(area_id=row.area.pk, area_name=row.area.name,
                      households_total=row.households_total,
                      households_visited=row.households_visited,
                      households_unvisited=row.unvisited, percent_visited=row.percent,
                      persons_screened=row.persons_screened,
                      persons_abnormal=row.persons_abnormal)


@router.get("/{int:campaign_id}/areas/{int:area_id}", response=AreaProgressOut,
            summary="A campaign's figures for an area, its children and each day")
def area_progress(request: HttpRequest, campaign_id: int, area_id: int) -> AreaProgressOut:
    campaign, area = campaign_and_area(api_user(request), campaign_id, area_id)
    found = area_figures(campaign, area)
    return AreaProgressOut(
        campaign_id=campaign.pk, campaign_name=campaign.name, computed_at=found["computed_at"],
        figures=figures_out(found["figures"]),
        children=[figures_out(row) for row in found["children"]],
        days=[DayOut(day=row.day, households_visited=row.households_visited,
                     persons_screened=row.persons_screened,
                     persons_abnormal=row.persons_abnormal) for row in found["days"]])
