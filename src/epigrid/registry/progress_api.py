"""API of screening progress (router mounted at /api/progress): the stored figures of an area
of a campaign, with its children and days, and the lists behind them (the persons with an
abnormal outcome, the grid workers' backlogs); a recompute. Scoped like the pages: missing and
forbidden are 404."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from epigrid.core.access import Capability
from epigrid.core.api import Page, PageParams, api_user, require
from epigrid.core.paging import page_after
from epigrid.registry import progress, progress_lists
from epigrid.registry.progress_lists import Row
from epigrid.registry.progress_views import area_figures, campaign_and_area

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


class AbnormalOut(Schema):
    """A person screened with an outcome other than normal (their ID number masked)."""

    id: int
    person_id: int
    person_name: str
    id_number_masked: str
    household_id: int
    household_address: str
    visited_on: datetime.date
    temperature: Decimal | None
    symptoms: str
    contact_with_case: bool
    outcome: str


class WorkerOut(Schema):
    user_id: int
    username: str
    name: str
    grid: FiguresOut


class RecomputedOut(Schema):
    figures: int
    computed_at: datetime.datetime | None


def abnormal_out(screening: Any) -> dict[str, Any]:
    person, visit = screening.person, screening.visit
    return {"id": screening.pk, "person_id": person.pk, "person_name": person.name,
            "id_number_masked": person.id_number_masked, "household_id": visit.household_id,
            "household_address": visit.household.address, "visited_on": visit.visited_on,
            "temperature": screening.temperature, "symptoms": screening.symptoms,
            "contact_with_case": screening.contact_with_case, "outcome": screening.outcome}


@router.get("/{int:campaign_id}/areas/{int:area_id}/abnormal", response=Page[AbnormalOut],
            summary="The persons screened with an abnormal outcome in an area, newest first")
def area_abnormal(request: HttpRequest, campaign_id: int, area_id: int,
                  page: Query[PageParams]) -> dict[str, Any]:
    campaign, area = campaign_and_area(api_user(request), campaign_id, area_id)
    items, next_after = page_after(progress_lists.abnormal_screenings(campaign, area),
                                   page.after, page.limit, newest_first=True)
    return {"items": [abnormal_out(s) for s in items], "next_after": next_after}


@router.get("/{int:campaign_id}/areas/{int:area_id}/workers", response=Page[WorkerOut],
            summary="Each grid worker of an area with their grid's figures, by grid")
def area_workers(request: HttpRequest, campaign_id: int, area_id: int,
                 page: Query[PageParams]) -> dict[str, Any]:
    campaign, area = campaign_and_area(api_user(request), campaign_id, area_id)
    rows, next_after = progress_lists.worker_rows(campaign, area, page.after, page.limit)
    return {"items": [WorkerOut(user_id=worker.pk, username=worker.username,
                                name=worker.display_name, grid=figures_out(row))
                      for worker, row in rows], "next_after": next_after}


@router.post("/{int:campaign_id}/areas/{int:area_id}/recompute", response=RecomputedOut,
             summary="Recompute every figure of the campaign now")
def recompute(request: HttpRequest, campaign_id: int, area_id: int) -> RecomputedOut:
    user = api_user(request)
    campaign, _area = campaign_and_area(user, campaign_id, area_id)
    require(user, Capability.MANAGE_CAMPAIGNS)
    figures = progress.recompute(campaign)
    campaign.refresh_from_db(fields=["progress_computed_at"])
    return RecomputedOut(figures=figures, computed_at=campaign.progress_computed_at)
