"""The demo's checkpoints at work: a week of passages through every checkpoint 卡口, with their
hourly figures, fever referrals, and the duty roster 值守排班 of the staff who stood there.

Traffic follows the day: a trickle at night, rush hours at 7-9 and 17-19; busy roads carry more
than quiet community gates. Most pass; some are persuaded to turn back 劝返, a few are referred
to quarantine, and a handful run a fever (each with its FeverReferral). Rows go in in bulk, and
PassageHour is counted from the same passages as they are drawn, so the hourly figures equal a
recount (the demo's test recounts them). Each checkpoint has three staff on three 8-hour shifts
a day for the week around today, with a few shifts left open (the gaps the duty pages flag).

`generate_passages(scale, seed, root)` runs inside the demo's transaction; after the demo logins
exist, `staff_demo_checkpoint(user)` puts the checkpoint persona on its checkpoint's day shifts.
"""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints.figures import Counts, add_hours, insert_rows
from epigrid.checkpoints.models import (
    Assignment,
    Decision,
    Direction,
    DutyShift,
    FeverReferral,
    Passage,
)
from epigrid.core.access import Role
from epigrid.core.ids import allocate_ids
from epigrid.registry.synthetic import GIVEN, MOBILE_PREFIXES, ORIGINS, SURNAMES

DAYS = 7
BATCH = 5000
# Mean passages per checkpoint in each hour of the day (about 2 an hour over the day, so the
# district's 1,028 checkpoints log some 350,000 passages a week: a sample of the real flow that
# builds in well under a minute on SQLite).
HOURLY_MEAN = (0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.4, 3.6, 4.2, 3.0, 2.2, 2.0,
               2.2, 2.0, 2.0, 2.2, 2.8, 3.8, 4.0, 2.6, 1.6, 1.2, 0.8, 0.5)
VEHICLE_SHARE = 0.35
DECISIONS = ((Decision.TURNED_BACK, 0.05), (Decision.QUARANTINE, 0.012), (Decision.FEVER, 0.0008))
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_CHARS = "0123456789" + PLATE_LETTERS
SHIFT_HOURS = (0, 8, 16)
OPEN_SHIFT_SHARE = 0.03
DUTY_PREFIX = "duty-"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _decision(rng: random.Random) -> str:
    draw = rng.random()
    for decision, share in DECISIONS:
        if draw < share:
            return decision
        draw -= share
    return Decision.PASS


def _how_many(rng: random.Random, mean: float) -> int:
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


PASSAGE_COLUMNS = ("id", "client_id", "checkpoint_id", "area_path", "at", "kind", "plate",
                   "passengers", "direction", "temperature", "origin", "destination",
                   "destination_area_id", "decision", "name", "id_number_enc", "id_number_hash",
                   "id_number_masked", "received_at")


class Traffic:
    """Draws the week's passages checkpoint by checkpoint and hour by hour, writing them in
    batches and counting each into its hour as it is drawn."""

    def __init__(self, seed: int, root: Area) -> None:
        self.rng = random.Random(seed + 5)
        self.root = root
        self.now = timezone.localtime()
        self.first = self.now.date() - datetime.timedelta(days=DAYS - 1)
        self.hours: dict[tuple[int, datetime.datetime], Counts] = {}
        self.batch: list[list[Any]] = []
        self.total = 0

    def run(self) -> dict[str, Any]:
        checkpoints = list(Checkpoint.objects.within(self.root.path).values_list(
            "pk", "area_id", "area__path", "area__name", "kind").order_by("pk"))
        for pk, area_id, path, area_name, kind in checkpoints:
            busy = self.rng.uniform(0.5, 1.5) * (1.3 if kind == Checkpoint.Kind.ROAD else 0.8)
            for day in range(DAYS):
                for hour in range(24):
                    start = timezone.make_aware(datetime.datetime.combine(
                        self.first + datetime.timedelta(days=day), datetime.time(hour)))
                    if start >= self.now:
                        break
                    counts = Counts()
                    for _ in range(_how_many(self.rng, HOURLY_MEAN[hour] * busy)):
                        self.add(pk, area_id, path, area_name, start, counts)
                    if counts.passages:
                        self.hours[(pk, start)] = counts
        self.flush()
        add_hours(self.hours)
        return {"passages": self.total, "passage_hours": len(self.hours),
                "fever_referrals": FeverReferral.objects.filter(
                    area_path__startswith=self.root.path).count()}

    def add(self, checkpoint_id: int, area_id: int, path: str, area_name: str,
            hour: datetime.datetime, counts: Counts) -> None:
        rng = self.rng
        at = hour + datetime.timedelta(seconds=rng.randrange(3600))
        if at > self.now:
            return
        vehicle = rng.random() < VEHICLE_SHARE
        decision = _decision(rng)
        inbound = rng.random() < 0.5
        fever = decision == Decision.FEVER
        degrees = rng.uniform(37.4, 39.2) if fever else rng.uniform(36.0, 37.2)
        plate = ("鄂" + rng.choice(PLATE_LETTERS[:10])
                 + "".join(rng.choice(PLATE_CHARS) for _ in range(5))) if vehicle else ""
        passengers = rng.randint(1, 4) if vehicle else 1
        self.batch.append([
            None, _uuid(rng), checkpoint_id, path, at,
            Passage.Kind.VEHICLE if vehicle else Passage.Kind.PERSON, plate, passengers,
            Direction.IN if inbound else Direction.OUT, Decimal(f"{degrees:.1f}"),
            rng.choice(ORIGINS) if inbound else area_name,
            area_name if inbound else rng.choice(ORIGINS), area_id if inbound else None,
            decision, "", "", "", "", self.now])
        # What the passage adds to its hour (as figures.count_one would count it).
        counts.passages_in += inbound
        counts.passages_out += not inbound
        counts.vehicles += vehicle
        counts.persons += passengers
        counts.turned_back += decision == Decision.TURNED_BACK
        counts.referred += decision == Decision.QUARANTINE
        counts.fevers += fever
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        for pk, row in zip(allocate_ids(Passage, len(self.batch)), self.batch, strict=True):
            row[0] = pk
        insert_rows(Passage, PASSAGE_COLUMNS, self.batch)
        FeverReferral.objects.bulk_create([
            FeverReferral(passage_id=row[0], area_path=row[3], temperature=row[9],
                          status=self._status(row[4]))
            for row in self.batch if row[13] == Decision.FEVER])
        self.total += len(self.batch)
        self.batch = []

    def _status(self, at: datetime.datetime) -> str:
        age = self.now - at
        if age > datetime.timedelta(days=2):
            return FeverReferral.Status.CLOSED
        return FeverReferral.Status.ARRIVED if age > datetime.timedelta(hours=3) \
            else FeverReferral.Status.OPEN


def _staff(rng: random.Random, checkpoints: list[tuple[int, str, int]]) -> dict[int, list[User]]:
    """Three staff per checkpoint, living in its village; they sign in only once an admin sets
    a password."""
    unusable = make_password(None)
    rows: list[User] = []
    for _pk, code, area_id in checkpoints:
        for n in range(1, 4):
            rows.append(User(
                username=f"{DUTY_PREFIX}{code.lower()}-{n}", password=unusable,
                role=Role.CHECKPOINT_STAFF, home_area_id=area_id,
                last_name=rng.choice(SURNAMES), first_name="".join(
                    rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                phone=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"))
    User.objects.bulk_create(rows, batch_size=1000)
    made = {u.username: u for u in User.objects.filter(username__startswith=DUTY_PREFIX)}
    return {pk: [made[f"{DUTY_PREFIX}{code.lower()}-{n}"] for n in range(1, 4)]
            for pk, code, _area in checkpoints}


def generate_duty(seed: int, root: Area) -> dict[str, int]:
    """Staff, assignments and a week of three shifts a day (from 3 days ago), a few left open."""
    rng = random.Random(seed + 6)
    checkpoints = list(Checkpoint.objects.within(root.path).values_list(
        "pk", "code", "area_id").order_by("pk"))
    staff = _staff(rng, checkpoints)
    Assignment.objects.bulk_create([Assignment(user=user, checkpoint_id=pk)
                                    for pk, people in staff.items() for user in people],
                                   batch_size=1000)
    first = timezone.localdate() - datetime.timedelta(days=3)
    shifts = []
    for pk, people in staff.items():
        for day in range(DAYS):
            for n, hour in enumerate(SHIFT_HOURS):
                if rng.random() < OPEN_SHIFT_SHARE:
                    continue  # nobody planned: a gap
                start = timezone.make_aware(datetime.datetime.combine(
                    first + datetime.timedelta(days=day), datetime.time(hour)))
                shifts.append(DutyShift(checkpoint_id=pk, user=people[(n + day) % 3],
                                        starts_at=start,
                                        ends_at=start + datetime.timedelta(hours=8)))
    _sign_off(random.Random(seed + 7), shifts, timezone.now())
    DutyShift.objects.bulk_create(shifts, batch_size=1000)
    return {"duty_staff": sum(len(p) for p in staff.values()), "duty_shifts": len(shifts)}


# 交班 notes the night and day shifts leave (most leave none).
HANDOVER_NOTES = ("2号车道道闸卡顿，已报修。", "测温枪电量低，已换电池。", "夜间车流少，无异常。",
                  "口罩剩两箱，已报物资组。", "一名劝返司机称明早再来。")
SIGNED_OFF_SHARE = 0.9  # of the shifts already over; the others forgot


def _sign_off(rng: random.Random, shifts: list[DutyShift], now: datetime.datetime) -> None:
    """Most shifts already over were signed off around their end, a few with a note (their own
    draws: the roster's are the same with or without them)."""
    for shift in shifts:
        if shift.ends_at > now or rng.random() >= SIGNED_OFF_SHARE:
            continue
        shift.signed_off_at = min(now, shift.ends_at + datetime.timedelta(
            minutes=rng.randint(-15, 20)))
        if rng.random() < 0.3:  # noqa: PLR2004 - the share of shifts leaving a note
            shift.handover_note = rng.choice(HANDOVER_NOTES)


@transaction.atomic
def generate_passages(scale: str, seed: int, root: Area) -> dict[str, Any]:
    """A week of passages (to now) through every checkpoint under `root`, with their hourly
    figures and fever referrals, and the week's duty roster. `scale` only names the run: the
    volume follows the number of checkpoints."""
    summary = Traffic(seed, root).run()
    summary.update(generate_duty(seed, root))
    summary["scale"] = scale
    return summary


@transaction.atomic
def staff_demo_checkpoint(user: User) -> Checkpoint | None:
    """Assign the demo's checkpoint persona to the first checkpoint of its home area and put them
    on that checkpoint's day shifts (08:00-16:00), so they see themselves on duty."""
    if user.home_area is None:
        return None
    # The same checkpoint personas.home_areas() took the persona's home from (first by code).
    checkpoint = Checkpoint.objects.within(user.home_area.path).first()
    if checkpoint is None:
        return None
    Assignment.objects.get_or_create(user=user, checkpoint=checkpoint)
    for shift in DutyShift.objects.filter(checkpoint=checkpoint).exclude(user=user):
        if timezone.localtime(shift.starts_at).hour == SHIFT_HOURS[1]:
            shift.user = user
            shift.save(update_fields=["user"])
    return checkpoint
