"""The demo's supervision 督查: the documents the district's desk received over the last ten
days (from the city command, the provincial health commission, the district's leading group),
most routed to two to five towns, some passed to the command and the supervisor to read, five
archived; the tasks they set and those the desk set directly, in every state (completed,
reported done and waiting, sent back, withdrawn, in hand, and eight overdue, reminded this
morning), one of them handed down by officer 1's town to two of its villages; and twenty
inspections of nursing homes, quarantine sites, markets and fever clinics with their findings:
open, past their day, rectified, verified.

Written through the supervision services by the demo's personas (made here without a password
when the demo's logins are not there yet: `epigrid demo` gives them theirs). The services stamp
the moment they run, so each step is then put back to the moment it happened, as the supplies'
requests are."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Facility, Level
from epigrid.core.days import local_moment
from epigrid.demo.personas import PERSONAS, home_areas
from epigrid.demo.supervision_texts import (
    ARCHIVED,
    COMING,
    DIRECT,
    DOCUMENTS,
    FINDINGS,
    INSPECTIONS,
    INSPECTORS,
    ISSUERS,
    LATER,
    OLDER,
    OVERDUE_BY,
    PAST,
    RECENT,
    RECTIFICATIONS,
    REMARKS,
    REPORTS,
    SEND_BACK,
)
from epigrid.supervision import documents, handing, inspections, reminders, services
from epigrid.supervision.models import (
    Circulation,
    Document,
    Finding,
    Inspection,
    Part,
    Severity,
    Task,
    TaskEvent,
    TaskStatus,
    Urgency,
)
from epigrid.supervision.models import DocumentKind as Kind

DAYS = 10
LOGINS = ("command", "supervisor", "officer1", "officer2")


def demo_logins(names: tuple[str, ...] = LOGINS) -> dict[str, User]:
    """The demo logins named, as demo.personas has them; made without a password if missing."""
    homes, unusable = home_areas(), make_password(None)
    found: dict[str, User] = {}
    for persona in PERSONAS:
        if persona.username in names:
            found[persona.username] = User.objects.filter(username=persona.username).first() or (
                User.objects.create(username=persona.username, role=persona.role,
                                    home_area=homes[persona.home], password=unusable))
    return found


class _Desk:
    """The district's supervision desk at work: who does what, and when it happened."""

    def __init__(self, rng: random.Random, now: datetime.datetime, people: dict[str, User]):
        self.rng, self.now, self.today = rng, now, timezone.localdate(now)
        self.supervisor, self.command = people["supervisor"], people["command"]
        self.officers = [people[name] for name in ("officer1", "officer2")]

    def moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        at = local_moment(day, datetime.time(hour)) + datetime.timedelta(
            minutes=self.rng.randrange(60))
        return min(at, self.now)

    def later(self, at: datetime.datetime, low: int, high: int) -> datetime.datetime:
        return min(at + datetime.timedelta(minutes=self.rng.randrange(low * 60, high * 60)),
                   self.now)

    def officer(self, path: str) -> User | None:
        """The area's demo officer (the town's, for its villages too), else nobody named."""
        return next((user for user in self.officers if user.home_area is not None
                     and path.startswith(user.home_area.path)), None)

    def stamp(self, task: Task, at: datetime.datetime, **fields: Any) -> None:
        """The task's newest step of history (and its own fields) put back to `at`."""
        newest = TaskEvent.objects.filter(task=task).order_by("-pk").values("pk")[:1]
        TaskEvent.objects.filter(pk__in=newest).update(at=at)
        if fields:
            Task.objects.filter(pk=task.pk).update(**fields)

    def report(self, task: Task, since: datetime.datetime) -> tuple[Task, datetime.datetime]:
        at = self.later(since, 6, 40)
        task = services.report_done(task, by=self.officer(task.area.path),
                                    report=self.rng.choice(REPORTS))
        self.stamp(task, at, reported_at=at)
        return task, at

    def play(self, task: Task, state: str, since: datetime.datetime) -> datetime.datetime:
        """Take a task set at `since` to `state`; the moment of its last step."""
        rng, at = self.rng, since
        if state == "open":
            return at
        if state == "withdrawn":
            at = self.later(at, 4, 30)
            services.withdraw(task, by=self.supervisor, note="该镇辖区无相关场所，撤销此项协办。"
                              if task.document_id else "已由区里统一部署，撤销此项任务。")
            self.stamp(task, at, closed_at=at)
            return at
        task, at = self.report(task, at)
        if state.startswith("returned"):  # sent back once, with a new day; reported again?
            at = self.later(at, 1, 6)
            due = self.today + datetime.timedelta(days=rng.choice((1, 2, 3)))
            task = services.send_back(task, by=self.supervisor, note=rng.choice(SEND_BACK),
                                      due_on=due)
            self.stamp(task, at)
            if state == "returned_reported":
                task, at = self.report(task, at)
        elif state == "done":
            at = self.later(at, 1, 18)
            services.accept(task, by=self.supervisor, note=rng.choice(("同意办结。", "")))
            self.stamp(task, at, closed_at=at)
        return at


def write_supervision(root: Area, seed: int, now: datetime.datetime | None = None
                      ) -> dict[str, Any]:
    """The documents, tasks and inspections of the first district under `root`; how many."""
    rng, now = random.Random(seed + 41), now or timezone.now()
    district = (Area.objects.filter(level=Level.DISTRICT, path__startswith=root.path)
                .order_by("path").first() or root)
    towns = list(Area.objects.filter(level=Level.TOWN, path__startswith=district.path)
                 .order_by("path"))
    if not towns:
        return {"documents": 0}
    desk = _Desk(rng, now, demo_logins())
    _documents(desk, district, towns)
    _direct_tasks(desk, towns)
    _handed_down(desk)
    _inspections(desk, district)
    reminded = reminders.remind_overdue(now)  # this morning's 催办 of the overdue tasks
    tasks = Task.objects.filter(area__path__startswith=district.path)
    return {"documents": Document.objects.filter(area=district).count(),
            "circulations": Circulation.objects.filter(document__area=district).count(),
            "tasks": tasks.count(), "tasks_reminded": len(reminded),
            "findings": Finding.objects.filter(
                inspection__area__path__startswith=district.path).count()}


def _documents(desk: _Desk, district: Area, towns: list[Area]) -> None:
    rng, last = desk.rng, len(DOCUMENTS) - 1
    routed = older = recent = 0
    for number, (issuer, kind, urgency, spread, title, summary) in enumerate(DOCUMENTS):
        back = (last - number) * DAYS // last
        received = desk.today - datetime.timedelta(days=back)
        name, prefix = ISSUERS[issuer]
        document = documents.register_document(
            district, by=desk.supervisor, title=title, issuer=name, kind=kind, urgency=urgency,
            received_on=received, summary=summary,
            reference=f"{prefix}〔{received.year}〕{12 + 3 * number + rng.randrange(3)}号",
            reply_by=received + datetime.timedelta(days=3 if urgency != Urgency.NORMAL else 7))
        registered = desk.moment(received, 9)
        if spread == 0 or number % 3 == 0:
            _circulate(desk, document, registered, back)
        if spread == 0:
            continue
        routed += 1
        at = desk.later(registered, 1, 3)
        chosen = rng.sample(towns, min(spread, len(towns)))
        due = max(desk.today, received + datetime.timedelta(days=rng.choice((3, 5, 7))))
        tasks = documents.route(document, [documents.Routing(
            town, due, Part.LEAD if index == 0 else Part.ASSIST,
            f"请牵头落实，{due:%m月%d日}前报送落实情况。" if index == 0
            else f"请配合{chosen[0].name}做好落实工作。")
            for index, town in enumerate(chosen)], by=desk.supervisor)
        TaskEvent.objects.filter(task__in=tasks).update(at=at)
        Task.objects.filter(pk__in=[task.pk for task in tasks]).update(created_at=at)
        finished = at
        for task in tasks:
            if routed <= ARCHIVED:
                state = "withdrawn" if routed == 2 and task is tasks[-1] else "done"
            elif back >= 2:
                state, older = OLDER[older % len(OLDER)], older + 1
            else:
                state, recent = RECENT[recent % len(RECENT)], recent + 1
            finished = max(finished, desk.play(task, state, at))
        if routed <= ARCHIVED:
            documents.archive(document, by=desk.supervisor, note="各承办单位均已办结，归档。")
            Document.objects.filter(pk=document.pk).update(
                archived_at=desk.later(finished, 1, 4))


def _circulate(desk: _Desk, document: Document, registered: datetime.datetime,
               back: int) -> None:
    """Passed to the command and the supervisor; read by them days ago, not yet today."""
    documents.circulate(document, [desk.command, desk.supervisor], by=desk.supervisor)
    sent = desk.later(registered, 0, 1)
    Circulation.objects.filter(document=document).update(sent_at=sent)
    for reader in (desk.supervisor, desk.command)[:2 if back >= 3 else 1 if back else 0]:
        remarks = ("同意，请抓紧落实。" if document.kind == Kind.REQUEST and reader == desk.command
                   else desk.rng.choice(REMARKS))
        documents.mark_read(document, by=reader, remarks=remarks)
        Circulation.objects.filter(document=document, reader=reader).update(
            read_at=desk.later(sent, 1, 20))


def _direct_tasks(desk: _Desk, towns: list[Area]) -> None:
    rng = desk.rng
    villages = {town.pk: list(Area.objects.filter(parent=town).order_by("path"))
                for town in towns}
    for number, (title, instructions) in enumerate(DIRECT):
        town = towns[number % len(towns)]
        area = rng.choice(villages[town.pk] or [town]) if number % 2 else town
        if number < len(OVERDUE_BY):
            state, due = "open", desk.today - datetime.timedelta(days=OVERDUE_BY[number])
            day = due - datetime.timedelta(days=rng.choice((1, 2, 3)))
        else:
            state = LATER[(number - len(OVERDUE_BY)) % len(LATER)]
            day = desk.today - datetime.timedelta(days=rng.randrange(1, 7))
            due = (desk.today if state in ("open", "returned") else day) + datetime.timedelta(
                days=rng.choice((1, 2, 3)))
        at = desk.moment(day, 10)
        by = desk.command if number % 4 == 3 else desk.supervisor
        task = services.set_task(area, by=by, title=title, instructions=instructions,
                                 due_on=due, at=at)
        Task.objects.filter(pk=task.pk).update(created_at=at)
        desk.play(task, state, at)


def _handed_down(desk: _Desk) -> None:
    """Officer 1's town hands the document's task it leads, due last, down to two of its
    villages 分解下达: the first has reported its part, waiting on the town; the other's is in
    hand."""
    officer = desk.officers[0]
    task = (Task.objects.filter(area=officer.home_area, status=TaskStatus.OPEN, part=Part.LEAD,
                                document__isnull=False, due_on__gte=desk.today)
            .order_by("-due_on", "pk").first())
    villages = list(Area.objects.filter(parent=officer.home_area).order_by("path")[:2])
    if task is None or not villages:
        return
    at = desk.later(task.events.order_by("-at").values_list("at", flat=True)[0], 1, 4)
    parts = handing.hand_down(task, [documents.Routing(
        village, task.due_on, Part.ASSIST, "请组织网格员逐户落实，完成后报镇指挥部。")
        for village in villages], by=officer)
    desk.stamp(task, at)
    TaskEvent.objects.filter(task__in=parts).update(at=at)
    Task.objects.filter(pk__in=[part.pk for part in parts]).update(created_at=at)
    desk.report(parts[0], at)


def _inspections(desk: _Desk, district: Area) -> None:
    rng = desk.rng
    sites = list(Facility.objects.filter(area__path__startswith=district.path,
                                         kind__in=list(FINDINGS))
                 .select_related("area").order_by("kind", "code"))
    if not sites:
        return
    rng.shuffle(sites)
    past = coming = 0
    for number in range(INSPECTIONS):
        site = sites[number % len(sites)]
        day = desk.today - datetime.timedelta(
            days=(INSPECTIONS - 1 - number) * (DAYS - 1) // (INSPECTIONS - 1))
        found = rng.sample(FINDINGS[Facility.Kind(site.kind)], rng.choice((0, 1, 2, 2, 3, 4)))
        inspection = inspections.record_inspection(
            site.area, by=desk.supervisor, inspected_on=day, facility=site,
            inspectors=rng.choice(INSPECTORS),
            summary=f"对{site.name}疫情防控措施落实情况进行现场督导检查。",
            findings=[inspections.FindingInput(
                text, day + datetime.timedelta(days=rng.choice((1, 2, 3, 5))),
                rng.choice((Severity.MINOR, Severity.MINOR, Severity.SERIOUS, Severity.GRAVE)))
                for text in found])
        inspected = desk.moment(day, 9 + number % 6)
        Inspection.objects.filter(pk=inspection.pk).update(created_at=inspected)
        inspection.findings.update(created_at=inspected)
        for finding in inspection.findings.order_by("pk"):
            if finding.rectify_by < desk.today:
                state, past = PAST[past % len(PAST)], past + 1
            else:
                state, coming = COMING[coming % len(COMING)], coming + 1
            _follow_up(desk, finding, state, inspected, site.area.path)


def _follow_up(desk: _Desk, finding: Finding, state: str, inspected: datetime.datetime,
               path: str) -> None:
    if state == "open":
        return
    rectified = desk.later(inspected, 12, 48)
    inspections.rectify(finding, by=desk.officer(path),
                        rectification=desk.rng.choice(RECTIFICATIONS))
    stamps = {"rectified_at": rectified}
    if state == "verified":
        inspections.verify(finding, by=desk.supervisor, accepted=True,
                           note="现场复查，整改到位，予以销号。")
        stamps["verified_at"] = desk.later(rectified, 4, 24)
    elif state == "reopened":
        inspections.verify(finding, by=desk.supervisor, accepted=False,
                           note="复查发现整改不到位，请继续整改。",
                           rectify_by=desk.today + datetime.timedelta(days=2))
        stamps["reopened_at"] = desk.later(rectified, 4, 24)
    Finding.objects.filter(pk=finding.pk).update(**stamps)
