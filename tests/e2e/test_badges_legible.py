"""Every badge can be read: a plain one (a key group, "medical staff") had white text on no
background at all, invisible on the white page, while those with a colour of their own showed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from epigrid.registry.models import Person, ScreeningCampaign
from tests.base import World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]

# The WCAG contrast ratio of each badge's text over its own background ("none" when it has none).
CONTRASTS = """() => {
  const channel = (c) => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = (rgb) => { const [r, g, b] = rgb.match(/[\\d.]+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  return [...document.querySelectorAll(".badge")].map((badge) => {
    const style = getComputedStyle(badge);
    const parts = style.backgroundColor.match(/[\\d.]+/g).map(Number);
    if (parts.length === 4 && parts[3] === 0) return [badge.textContent, "none"];
    const [a, b] = [luminance(style.color), luminance(style.backgroundColor)];
    return [badge.textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


def test_an_officer_reads_every_badge_of_her_residents(page: Any, live_server: Any,
                                                       transactional_db: None) -> None:
    world = World()
    Person.objects.filter(pk=world.person_a.pk).update(is_medical_staff=True)
    today = timezone.localdate()
    for name, start, end in (("Last month's", -40, -30), ("This week's", -1, 5),
                             ("Next month's", 30, 40)):  # ended, running, planned
        ScreeningCampaign.objects.create(
            area=world.town_a, area_path=world.town_a.path, name=name,
            starts_on=today + datetime.timedelta(days=start),
            ends_on=today + datetime.timedelta(days=end))
    log_in(page, live_server.url, "alice")
    page.get_by_role("heading", name="Dongcheng Town").wait_for()

    for path in ("/registry/persons/", f"/registry/persons/{world.person_a.pk}/",
                 f"/registry/persons/{world.person_a2.pk}/", "/registry/screening/"):
        page.goto(f"{live_server.url}{path}")
        badges = page.evaluate(CONTRASTS)
        assert badges, f"no badge on {path}"
        for text, contrast in badges:
            assert contrast != "none" and contrast >= 4.5, (path, text, contrast)
