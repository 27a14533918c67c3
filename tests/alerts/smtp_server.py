"""A real SMTP server on this machine for the e-mail tests: it speaks enough of RFC 5321 for
smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps each message it accepts, refuses any
recipient whose address holds `refuse` (550), and may hang up after its n-th message before
answering it, as a server that falls over would."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.test import override_settings


class SmtpServer:
    def __init__(self, refuse: str = "refused", hang_up_after: int = 0) -> None:
        self.messages: list[tuple[list[str], str]] = []  # (recipients, the message's text)
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def data(self) -> str:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line.decode("utf-8", "replace"))
                return "".join(lines)

            def handle(self) -> None:
                self.reply("220 epigrid-test ESMTP")
                recipients: list[str] = []
                while line := self.rfile.readline():
                    command = line.decode().strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 epigrid-test")
                    elif verb in ("MAIL", "RSET"):
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT" and refuse in command:
                        self.reply("550 5.1.1 No such mailbox")
                    elif verb == "RCPT":
                        recipients.append(command.split(":", 1)[1].strip(" <>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        server.messages.append((recipients, self.data()))
                        if len(server.messages) == hang_up_after:
                            return
                        self.reply("250 Queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("250 OK" if verb == "NOOP" else "502 Not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    @contextmanager
    def running(self, **settings: Any) -> Iterator[SmtpServer]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            with mail_server(self.port, **settings):
                yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def mail_server(port: int, **settings: Any) -> Any:
    """The settings of a deployment whose mail server listens on `port` of this machine (the
    test runner's own in-memory backend replaced by the real SMTP one)."""
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_HOST_USER="",
                             EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False, **settings)
