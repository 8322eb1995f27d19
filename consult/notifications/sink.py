"""A local SMTP server for demos (`consult mail sink`): keeps every email it receives.

`make run` starts it when no real SMTP server is configured, so the person trying
the app can read each email: two lines are printed per message (to whom and the
subject, then its first link) and the message is saved as an .eml file (openable by
any mail program) under instance/mailbox/. The SMTP server's own protocol log is
kept quiet: it was most of the terminal.
"""

from __future__ import annotations

import email
import email.policy
import logging
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class MailboxHandler:
    def __init__(self, folder: Path, echo=print):
        self.folder = folder
        self.echo = echo
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-{time.time_ns() % 10**9:09d}.eml"
        path.write_bytes(envelope.content)
        text = message.get_body(preferencelist=("plain",))
        body = text.get_content() if text is not None else ""
        links = [word for word in body.split() if word.startswith(("http://", "https://"))]
        self.echo(f"[mail] to {', '.join(envelope.rcpt_tos)}: {message['subject']}")
        if links:
            self.echo(f"[mail]   {links[0]}")
        return "250 Message accepted for delivery"


def serve(host: str, port: int, folder: Path, echo=print) -> None:
    # aiosmtpd logs every command of every session at INFO ("mail.log"): not for a demo.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(MailboxHandler(folder, echo), hostname=host, port=port)
    controller.start()
    echo(f"[mail] SMTP sink listening on {host}:{port}, saving to {folder}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
