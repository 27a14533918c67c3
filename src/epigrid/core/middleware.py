from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from epigrid.core.audit import acting_as

# Everything is served from this origin: deployments sit on offline networks, so no CDN, and
# inline scripts are not allowed (page data travels in json_script blocks).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'; object-src 'none'")
# The API docs page loads its own bundled assets with inline bootstrap code.
CSP_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith("/api/docs") or request.path.startswith("/admin/")
            response["Content-Security-Policy"] = CSP_DOCS if relaxed else CSP
        return response


class AuditActorMiddleware:
    """Names the logged-in user as the actor of every audited change made by this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(request):
            return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The language the user chose with the switch, else the deployment's (zh-hans).

    Django's LocaleMiddleware would follow the browser's Accept-Language; many command offices
    run browsers set to English, and the working language is Chinese unless a user switches.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
