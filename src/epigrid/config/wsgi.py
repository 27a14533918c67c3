import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epigrid.config.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Load the URLs (and so every view) now, then move everything loaded so far out of the
    garbage collector's sight: a worker's tens of thousands of long-lived objects would
    otherwise be walked at every full collection, a pause of milliseconds in some request."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()


_settle()
