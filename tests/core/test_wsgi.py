"""The production server's application: loaded whole, then kept out of the collector's walks."""

from __future__ import annotations

import gc
import importlib


def test_it_freezes_the_loaded_application_out_of_the_collectors_sight() -> None:
    gc.unfreeze()
    try:
        from epigrid.config import wsgi

        importlib.reload(wsgi)
        assert gc.get_freeze_count() > 10_000  # the views, forms and URL patterns among them
        assert callable(wsgi.application)
    finally:
        gc.unfreeze()
