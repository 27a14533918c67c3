"""Fictional Chinese place names drawn from syllable lists with a seeded random generator.

The names look like the places of a Hubei district (湾, 岗, 畈, 垸 are common there) but are
assembled at random; no list of real places or people is used.
"""

from __future__ import annotations

import random
from collections.abc import Callable

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
PREFIXES = "青金银石桃柳松竹梅兰荷杏枫槐桂东西南北新上下长高龙凤鹤白红黄清明永太丰安福和平"
ROOTS = "山河湖桥溪泉港湾岭岗坡潭塘堰沙田林园洲滩冲畈垸店铺集庄坪台坝堤埠渡口"
QUALITIES = "兴旺盛顺利宁康泰乐华光阳春秋景瑞祥"
ROAD_SUFFIXES = ("路", "街", "大道", "大街")
CITY_NAMES = ("金河市", "云江市", "清湖市", "凤台市")

# The last few names tried before giving up: the name space is large, so this never runs out
# at the scales we generate, but a loop without bound would hang if it ever did.
MAX_TRIES = 200


class NameBook:
    """Hands out names unique within a scope (a district for its towns, a town for its villages)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def unique(self, scope: str, make: Callable[[], str]) -> str:
        taken = self.used.setdefault(scope, set())
        for attempt in range(MAX_TRIES):
            name = make() if attempt < MAX_TRIES - 1 else f"{make()}{len(taken) + 1}"
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError(f"no unique name left in {scope}")

    def _stem(self) -> str:
        """Two or three characters: 杨家湾, 青石, 上河, 桃花岗."""
        rng = self.rng
        pattern = rng.random()
        if pattern < 0.35:
            return rng.choice(SURNAMES) + "家" + rng.choice(ROOTS)
        if pattern < 0.75:
            return rng.choice(PREFIXES) + rng.choice(ROOTS)
        if pattern < 0.9:
            return rng.choice(PREFIXES) + rng.choice(QUALITIES)
        return rng.choice(PREFIXES) + rng.choice(PREFIXES) + rng.choice(ROOTS)

    def city(self) -> str:
        return self.rng.choice(CITY_NAMES)

    def district(self, scope: str) -> str:
        return self.unique(scope, lambda: self.rng.choice(PREFIXES) + self.rng.choice(ROOTS)
                            + "区")

    def town(self, scope: str, urban: bool) -> str:
        suffix = "街道" if urban else self.rng.choice(("镇", "镇", "镇", "乡"))
        return self.unique(scope, lambda: self._stem() + suffix)

    def village(self, scope: str, urban: bool) -> str:
        suffix = "社区" if urban else "村"
        return self.unique(scope, lambda: self._stem() + suffix)

    def numbered(self, scope: str, name: str) -> str:
        """`name`, or `name（2）`, `name（3）`... when the scope already has it."""
        taken = self.used.setdefault(scope, set())
        candidate, number = name, 1
        while candidate in taken:
            number += 1
            candidate = f"{name}（{number}）"
        taken.add(candidate)
        return candidate

    def road_name(self) -> str:
        return self.rng.choice(PREFIXES) + self.rng.choice(ROOTS) + self.rng.choice(ROAD_SUFFIXES)

    def road(self, scope: str) -> str:
        return self.unique(scope, self.road_name)

    def place(self) -> str:
        """A short local name for a building: a hotel, a stadium, a market."""
        return self.rng.choice(PREFIXES) + self.rng.choice(ROOTS + QUALITIES)


def short(name: str) -> str:
    """The name without its administrative suffix: 金河区 -> 金河, 杨家湾村 -> 杨家湾."""
    for suffix in ("街道", "社区", "市", "区", "镇", "乡", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name
