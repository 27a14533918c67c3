"""The alert levels 警戒值 of the talking points are the deployment's (EPIGRID_ALERT_THRESHOLDS),
read when the points are written: a lower level speaks up sooner, none says nothing, and a level
of a metric that does not exist stops the meeting page with the variable's name."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, override_settings

from epigrid.briefing import talking
from epigrid.briefing.talking import Place, Situation, Threshold
from epigrid.config.env import format_alert_levels, parse_alert_levels
from epigrid.reporting.metrics import by_code

NAME = "EPIGRID_ALERT_THRESHOLDS"
# New confirmed cases 1 → 3 and fever patients 40 → 60: below every default alert level.
DISTRICT = Place("Qingshan District", {"new_confirmed": 3, "new_fever": 60},
                 {"new_confirmed": 1, "new_fever": 40})


def crossed(place: Place = DISTRICT) -> list[str]:
    return talking.crossed(Situation(place), by_code())


class AlertLevelTests(SimpleTestCase):
    def test_it_reads_the_defaults_of_today(self) -> None:
        self.assertEqual(talking.alert_levels(), (
            Threshold("new_confirmed", 10, rising=True),
            Threshold("new_asymptomatic", 10, rising=True),
            Threshold("waiting_over_24h", 1, rising=True),
            Threshold("follow_ups_missed", 10, rising=True),
            Threshold("free_beds_icu", 0, rising=False),
            Threshold("free_beds_isolation", 0, rising=False),
            Threshold("free_beds_quarantine", 0, rising=False)))
        self.assertEqual(crossed(), [])

    @override_settings(ALERT_THRESHOLDS=parse_alert_levels(NAME, "new_confirmed=2,new_fever=50"))
    def test_it_speaks_of_the_levels_the_deployment_set(self) -> None:
        self.assertEqual(crossed(), [
            "New confirmed cases reached 3, at or above the alert level of 2.",
            "New fever patients reached 60, at or above the alert level of 50."])
        self.assertIn("New fever patients reached 60, at or above the alert level of 50.",
                      talking.talking_points(Situation(DISTRICT)))

    @override_settings(ALERT_THRESHOLDS=parse_alert_levels(NAME, "new_fever<=0"))
    def test_it_speaks_of_a_falling_level(self) -> None:
        fell = Place("Qingshan District", {"new_fever": 0}, {"new_fever": 40})
        self.assertEqual(crossed(fell), [
            "New fever patients fell to 0, at or below the alert level of 0."])

    @override_settings(ALERT_THRESHOLDS=parse_alert_levels(NAME, "none"))
    def test_it_says_nothing_of_levels_when_there_are_none(self) -> None:
        rising = Place("D", {"new_confirmed": 50, "waiting_over_24h": 9}, {})
        self.assertEqual(crossed(rising), [])

    @override_settings(ALERT_THRESHOLDS=(("new_confirmed", 1, True), ("new_confirmd", 5, True)))
    def test_it_names_the_variable_and_the_unknown_metric(self) -> None:
        with self.assertRaisesMessage(talking.ConfigError,
                                      f"{NAME} names metrics that do not exist: new_confirmd"):
            talking.alert_levels()
        with self.assertRaises(talking.ConfigError):
            talking.talking_points(Situation(DISTRICT))

    def test_it_documents_its_default_in_the_configuration_page(self) -> None:
        docs = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
        self.assertIn(f"`{format_alert_levels(settings.ALERT_THRESHOLDS)}`",
                      docs.read_text(encoding="utf-8"))
