"""Fictional residents for the demo and the benchmarks: valid-looking IDs, names, phones, tags.

Everything is drawn from a seeded `random.Random`, so a seed gives the same people every time.
The IDs carry correct GB 11643 check characters and possible birth dates, but are assembled at
random; no list of real people is used. Fast on purpose: the demo builds 500,000 residents (and
the city scale 11 million) with it.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from epigrid.core.identity import check_char
from epigrid.registry.models import Residency, Tag

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力永健世广志义兴良海"
         "山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子昌成康星光天达安岩中茂进林有坚和"
         "博诚先敬震振会思群豪心邦承乐功松善厚庆民友裕河哲江浩亮政谦奇之翰朗宏言鸣朋斌梁栋维启")
ROADS = "青金银石桃柳松竹梅兰荷杏枫槐桂东西南北新长高龙凤鹤白红清明永太丰安福和平"
ROAD_SUFFIXES = ("路", "街", "巷", "大道")
OCCUPATIONS = ("农民", "工人", "教师", "个体经营", "公务员", "学生", "退休", "司机", "厨师",
               "快递员", "保安", "自由职业", "")
MEDICAL_OCCUPATIONS = ("医生", "护士", "药剂师")
ORIGINS = ("武汉", "孝感", "黄冈", "荆州", "随州", "襄阳")
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                   "158", "159", "176", "177", "180", "181", "186", "187", "188", "189", "199")
# Counties of Hubei, for the first six digits of an ID (region codes are public).
REGIONS = ("420102", "420103", "420104", "420105", "420106", "420111", "420112", "420113",
           "420114", "420115", "420116", "420117", "420902", "421102", "421002", "421302")
EPOCH = datetime.date(1930, 1, 1)
BIRTH_SPAN_DAYS = (datetime.date(2019, 12, 31) - EPOCH).days
RETURN_START = datetime.date(2020, 1, 10)

# The roster's columns, with the Chinese headers of a grid office's spreadsheet.
ROSTER_HEADERS = {
    "grid_code": "网格编码", "household_number": "户号", "address": "地址",
    "head_name": "户主", "household_phone": "户主电话", "name": "姓名", "id_number": "身份证号",
    "phone": "手机号", "occupation": "职业", "is_medical_staff": "医务人员",
    "tags": "重点人员", "residency": "人员类型", "returnee_origin": "返回地",
    "returned_on": "返回日期",
}
TAG_LABELS = {Tag.RETURNEE: "重点地区返乡", Tag.ELDERLY_ALONE: "独居老人",
              Tag.CHRONIC: "慢性病", Tag.PREGNANT: "孕产妇", Tag.DISABLED: "残疾人"}
RESIDENCY_LABELS = {Residency.RESIDENT: "常住", Residency.VISITOR: "访客",
                    Residency.WORKER: "外来务工"}


def valid_id(rng: random.Random, region: str, birth_date: datetime.date, sex: str) -> str:
    """An 18-character ID of `region`, born on `birth_date`, whose 17th digit fits `sex`."""
    sequence = rng.randrange(0, 50) * 2 + (1 if sex == "male" else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{rng.randrange(10, 100)}{sequence % 10}"
    return first17 + check_char(first17)


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def _birth(rng: random.Random, elderly: bool) -> datetime.date:
    if elderly:
        return EPOCH + datetime.timedelta(days=rng.randrange(365 * 25))
    return EPOCH + datetime.timedelta(days=rng.randrange(BIRTH_SPAN_DAYS))


def _tags(rng: random.Random, birth: datetime.date, sex: str, size: int) -> list[str]:
    tags = []
    if rng.random() < 0.04:
        tags.append(Tag.RETURNEE.value)
    if size == 1 and birth.year < 1955:
        tags.append(Tag.ELDERLY_ALONE.value)
    if birth.year < 1965 and rng.random() < 0.2:
        tags.append(Tag.CHRONIC.value)
    if sex == "female" and 1985 <= birth.year <= 1998 and rng.random() < 0.03:
        tags.append(Tag.PREGNANT.value)
    if rng.random() < 0.015:
        tags.append(Tag.DISABLED.value)
    return tags


def _unique_id(rng: random.Random, birth: datetime.date, sex: str, seen: set[int]) -> str:
    """A fresh ID: drawn again while it repeats one given before (as an int: 4x less memory)."""
    while True:
        number = valid_id(rng, rng.choice(REGIONS), birth, sex)
        key = int(number[:17])
        if key not in seen:
            seen.add(key)
            return number


def _person(rng: random.Random, household: dict[str, Any], size: int, head: bool,
            seen: set[int]) -> dict[str, Any]:
    sex = rng.choice(("male", "female"))
    birth = _birth(rng, elderly=size == 1 and rng.random() < 0.5)
    tags = _tags(rng, birth, sex, size)
    medical = rng.random() < 0.01
    returnee = Tag.RETURNEE.value in tags
    person = {
        **household,
        "name": household["head_name"] if head else name(rng),
        "id_number": _unique_id(rng, birth, sex, seen),
        "phone": household["household_phone"] if head else (
            mobile(rng) if rng.random() < 0.6 else ""),
        "sex": sex, "birth_date": birth,
        "occupation": rng.choice(MEDICAL_OCCUPATIONS) if medical else rng.choice(OCCUPATIONS),
        "is_medical_staff": medical, "tags": tags,
        "residency": Residency.RESIDENT.value,
        "returnee_origin": rng.choice(ORIGINS) if returnee else "",
        "returned_on": RETURN_START + datetime.timedelta(days=rng.randrange(14))
        if returnee else None,
    }
    return person


def persons(rng: random.Random, grids: Sequence[str], count: int) -> Iterator[dict[str, Any]]:
    """`count` persons in households of 1 to 5 spread over `grids` (grid codes).

    Each dict holds the person's fields and its household's keys: grid_code, household_number,
    address, head_name, household_phone. Household numbers are unique within a grid, ID numbers
    unique among the persons made (they remember ~80 bytes a person for that).
    """
    made = 0
    seen: set[int] = set()
    numbers: dict[str, int] = {}
    while made < count:
        grid = rng.choice(grids)
        numbers[grid] = numbers.get(grid, 0) + 1
        head = name(rng)
        household = {
            "grid_code": grid, "household_number": f"H{numbers[grid]:05d}",
            "address": f"{rng.choice(ROADS)}{rng.choice(ROADS)}{rng.choice(ROAD_SUFFIXES)}"
                       f"{rng.randrange(1, 300)}号{numbers[grid]}室",
            "head_name": head, "household_phone": mobile(rng),
        }
        size = min(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)), count - made)
        for index in range(size):
            yield _person(rng, household, size, index == 0, seen)
        made += size


def roster_row(person: dict[str, Any]) -> list[str]:
    """A person as one row of a roster file in ROSTER_HEADERS order, written as people do."""
    returned = person.get("returned_on")
    return [
        person["grid_code"], person["household_number"], person["address"],
        person["head_name"], person["household_phone"], person["name"], person["id_number"],
        person["phone"], person["occupation"], "是" if person["is_medical_staff"] else "否",
        "、".join(TAG_LABELS[Tag(tag)] for tag in person["tags"]),
        RESIDENCY_LABELS[Residency(person["residency"])], person["returnee_origin"],
        f"{returned:%Y/%-m/%-d}" if returned else "",
    ]


def write_roster_csv(people: Iterable[dict[str, Any]], target: IO[str]) -> int:
    """Write a roster CSV with Chinese headers; the number of persons written."""
    writer = csv.writer(target)
    writer.writerow(ROSTER_HEADERS.values())
    written = 0
    for person in people:
        writer.writerow(roster_row(person))
        written += 1
    return written
