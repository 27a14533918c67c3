"""Texting a notice sent by hand through the SMS gateway: a real HTTP server on this machine
stands in for the gateway, so the request it receives is the one a gateway would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest.mock import patch

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from epigrid.accounts.services import create_user
from epigrid.alerts import sms
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import send_notice, texts_of
from epigrid.core.access import Role
from tests.base import PASSWORD, BaseTestCase


class Gateway:
    """Records each request's headers and JSON; answers the next status of `statuses`, or 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], Any]] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((dict(self.headers), json.loads(body)))
                self.send_response(gateway.statuses.pop(0) if gateway.statuses else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"

    @contextmanager
    def running(self, **settings: Any) -> Iterator[Gateway]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            with override_settings(SMS_GATEWAY_URL=self.url, SMS_GATEWAY_TOKEN="t0ken",
                                   **settings):
                yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


class SmsTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        for name, grid, phone in (("wu", w.grid_a1_2, "13700001111"),
                                  ("ma", w.grid_a2_1, "13700002222"),
                                  ("qian", w.grid_a2_1, "")):
            create_user(username=name, password=PASSWORD, role=Role.GRID_WORKER,
                        home_area=grid, phone=phone)
        w.li.phone = "13700003333"
        w.li.save(update_fields=["phone"])

    def send(self, **kwargs: Any) -> Notice:
        with self.captureOnCommitCallbacks(execute=True):
            return send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                               "Round two at 08:00", "East lanes first.", by_sms=True, **kwargs)

    def test_it_texts_every_recipient_with_a_phone_once_sent(self) -> None:
        with Gateway().running() as gateway:
            notice = self.send()
        self.assertEqual(len(gateway.received), 1)
        headers, body = gateway.received[0]
        self.assertEqual(headers["Authorization"], "Bearer t0ken")
        self.assertEqual(body, {"phones": ["13700003333", "13700001111", "13700002222"],
                                "text": "Round two at 08:00\nEast lanes first."})
        self.assertEqual(texts_of(notice), {"texted": 3, "refused": 1, "pending": 0})
        phoneless = Receipt.objects.get(notice=notice, user__username="qian")
        self.assertEqual((phoneless.texted_at, phoneless.text_error), (None, "no_phone"))
        self.assertEqual(phoneless.text_problem, "No phone.")
        with translation.override("zh-hans"):
            self.assertEqual(phoneless.text_problem, "无手机号。")

    def test_it_sends_the_phones_in_batches_and_never_twice(self) -> None:
        with Gateway().running(SMS_BATCH=2) as gateway:
            notice = self.send()
            self.assertEqual(sms.text_notice(notice.pk), {"texted": 0, "refused": 0})
        self.assertEqual([len(body["phones"]) for _headers, body in gateway.received], [2, 1])

    def test_it_records_the_gateways_refusal_per_batch(self) -> None:
        gateway = Gateway()
        gateway.statuses = [503]
        with gateway.running(SMS_BATCH=2):
            notice = self.send()
        errors = dict(Receipt.objects.filter(notice=notice).values_list("user__username",
                                                                        "text_error"))
        self.assertEqual(errors, {"li": "http:503", "wu": "http:503", "ma": "",
                                  "qian": "no_phone"})
        receipt = Receipt.objects.get(notice=notice, user__username="wu")
        self.assertEqual(receipt.text_problem, "The SMS gateway refused it (HTTP 503).")
        self.assertEqual(texts_of(notice), {"texted": 1, "refused": 3, "pending": 0})

    def test_it_records_a_gateway_that_does_not_answer(self) -> None:
        gateway = Gateway()
        url = gateway.url
        gateway.server.server_close()  # nothing listens there now
        with override_settings(SMS_GATEWAY_URL=url, SMS_BATCH=1), \
                patch.object(sms, "post_batch", wraps=sms.post_batch) as posted, \
                self.captureOnCommitCallbacks(execute=True):
            notice = send_notice(self.world.command, [self.world.village_a1],
                                 [Role.GRID_WORKER], "Round two", by_sms=True)
        self.assertEqual(posted.call_count, 1)  # Li's batch; Wu's was not tried after it
        receipts = Receipt.objects.filter(notice=notice).order_by("pk")
        self.assertEqual(len(receipts), 2)
        for receipt in receipts:
            self.assertTrue(receipt.text_problem.startswith("The SMS gateway did not answer ("),
                            receipt.text_problem)

    def test_it_refuses_texting_where_no_gateway_is_set_up(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.send()
        self.assertIn("not set up", refused.exception.message_dict["by_sms"][0])
        self.assertFalse(Notice.objects.exists())
        page = self.client_for(self.world.command).get(reverse("alerts:send"))
        self.assertNotContains(page, 'name="by_sms"')

    def test_it_cuts_a_long_notice_to_one_message(self) -> None:
        notice = Notice(title="T", body="b" * 400)
        text = sms.text_of(notice)
        self.assertEqual((len(text), text[-1]), (300, "…"))
        self.assertEqual(sms.text_of(Notice(title="T", body="b" * 298)), "T\n" + "b" * 298)

    def test_it_offers_texting_on_the_page_and_shows_what_the_gateway_took(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        with Gateway().running():
            self.assertContains(client.get(reverse("alerts:send")), 'name="by_sms"')
            with self.captureOnCommitCallbacks(execute=True):
                response = client.post(reverse("alerts:send"), {
                    "areas": [w.village_a1.pk], "roles": [Role.GRID_WORKER],
                    "title": "Round two", "by_sms": "on"})
            page = client.get(response["Location"])
        self.assertContains(page, "Text messages: 2 taken by the gateway, 0 not sent, 0 "
                                  "waiting.")  # Li and Wu, the grid workers of village A1
        self.assertContains(page, "<td>sent ", count=2)
        api = client.get(f"/api/alerts/notices/{Notice.objects.get().pk}").json()
        self.assertEqual((api["by_sms"], api["texts"]),
                         (True, {"texted": 2, "refused": 0, "pending": 0}))
