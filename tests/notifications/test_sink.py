"""The demo's SMTP sink (`consult mail sink`, started by `make run`): the terminal shows
two lines per email -- to whom and the subject, then its link -- and nothing of the
SMTP conversation; the email is kept under instance/mailbox/."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from tests.smtp import free_port


def test_the_sink_prints_the_recipient_subject_and_link_only(tmp_path):
    port = free_port()
    env = dict(
        {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_")},
        CONSULT_ENV="testing",
        CONSULT_INSTANCE_PATH=str(tmp_path),
    )
    consult = Path(sys.executable).parent / "consult"
    sink = subprocess.Popen(
        [str(consult), "mail", "sink", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", port, timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the sink did not start"
                time.sleep(0.2)
        for n in (1, 2):
            message = EmailMessage()
            message["From"] = "ungis-consult@localhost"
            message["To"] = f"amina{n}@example.org"
            message["Subject"] = f"Confirm your email address – FM-P-000{n}"
            message.set_content(f"Dear Amina,\n\nhttp://127.0.0.1:5000/a/token{n}\n\nBye.")
            client.send_message(message)
        client.quit()
        while len(list((tmp_path / "mailbox").glob("*.eml"))) < 2:
            assert time.monotonic() < deadline, "the emails were not kept"
            time.sleep(0.1)
    finally:
        sink.terminate()
        output, _ = sink.communicate(timeout=30)
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines[0].startswith("[mail] SMTP sink listening on 127.0.0.1")
    assert lines[1:] == [
        "[mail] to amina1@example.org: Confirm your email address – FM-P-0001",
        "[mail]   http://127.0.0.1:5000/a/token1",
        "[mail] to amina2@example.org: Confirm your email address – FM-P-0002",
        "[mail]   http://127.0.0.1:5000/a/token2",
    ]
