from __future__ import annotations

from typing import Any

from epigrid.areas import services
from epigrid.areas.models import Area
from epigrid.cases import signals as cases_signals
from epigrid.checkpoints import signals as checkpoint_signals
from epigrid.problems import signals as problem_signals
from epigrid.registry import signals as registry_signals
from epigrid.reporting import signals as reporting_signals
from epigrid.supplies import signals as supplies_signals
from tests.base import BaseTestCase


class MoveSignalTests(BaseTestCase):
    def test_it_tells_path_copying_apps_the_old_and_new_prefix(self) -> None:
        w = self.world
        heard: list[dict[str, Any]] = []

        def listener(sender: type, **kwargs: Any) -> None:
            heard.append(kwargs)

        services.area_path_changed.connect(listener)
        try:
            old = w.village_a1.path
            moved = services.move_area(w.village_a1, w.town_b)
        finally:
            services.area_path_changed.disconnect(listener)
        assert len(heard) == 1
        assert heard[0]["old"] == old and heard[0]["new"] == moved.path

    def test_it_moves_a_whole_subtree_in_one_statement(self) -> None:
        w = self.world
        # lock, read, one UPDATE of the subtree's paths, parent, audit, re-read, savepoints,
        # and one UPDATE per table that copies paths, whatever the subtree's size
        copies = sum(len(app.PATH_COPIES) for app in (registry_signals, cases_signals,
                                                      checkpoint_signals, reporting_signals))
        copies += len(problem_signals.PATH_FIELDS) + len(supplies_signals.PATH_COPIES)
        with self.assertNumQueries(7 + copies):
            services.move_area(w.village_a1, w.town_b)
        assert Area.objects.within(w.town_b.path).filter(name__startswith="Grid A1").count() == 2
