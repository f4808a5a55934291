"""Emailing packets against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
import queue
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pressbrief import DeliveryError, email_packet
from pressbrief.delivery.smtp import Deadlines

from .conftest import MINIMAL, run

REPORTERS = (
    "email,name,outlet,beat\nann@paper.example,Ann Reporter,The Paper,politics\n"
    "bob@wire.example,Bob Wire,Wire Service,energy\n"
)
POINT = "A point reporters can quote."


class Handler:
    """Keeps what it accepts (and each envelope's recipients); can refuse recipients, drop
    the connection at a recipient or after the data, or hold one reply."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.raw: list[bytes] = []
        self.refuse: set[str] = set()
        self.defer: dict[str, int] = {}
        self.drop_at: set[str] = set()
        self.drop_after: int | None = None
        self.hold: threading.Event | None = None
        self.holding = threading.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.drop_at:
            self.drop_at.discard(address)
            server.transport.close()  # dropped before the message was transmitted
            return "421 going away"
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        if self.defer.get(address):
            self.defer[address] -= 1
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()  # the connection drops before the server answers
            return "421 going away"
        hold, self.hold = self.hold, None
        if hold is not None:  # the first message's reply waits until the test says so
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, hold.wait, 60)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.envelopes.append(list(envelope.rcpt_tos))
        self.raw.append(envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    port = free_port()
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        if handler.hold is not None:
            handler.hold.set()
        controller.stop()


def mail_project(project: Callable[..., Path], with_logo: str, port: int, extra: str = "") -> Path:
    config = (
        with_logo
        + "contact:\n  name: Press Office\n  email: press@org.example\n  phone: 555-0100\n"
        + "email:\n  reply_to: desk@org.example\n  list_unsubscribe: mailto:stop@org.example\n"
        + f"  smtp:\n    host: 127.0.0.1\n    port: {port}\n    security: none\n{extra}"
    )
    second = MINIMAL.replace("A Minimal Brief", "A Second Brief").replace("One point.", POINT)
    folder = project(config, a=MINIMAL, b=second)
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text(
        "title: Debate Night\nevent: The Debate\nbriefs: [a, b]\n"
    )
    (folder / "reporters.csv").write_text(REPORTERS)
    return folder


def send(folder: Path, **options: Any) -> Any:
    return email_packet(
        folder / "kits" / "k.yaml", folder / "reporters.csv", delays=(0, 0), **options
    )


def test_one_message_per_recipient_with_everything_in_it(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    report = send(folder)
    assert sorted(report.sent) == ["ann@paper.example", "bob@wire.example"]
    assert sorted(str(m["To"]) for m in handler.received) == [
        "Ann Reporter <ann@paper.example>",
        "Bob Wire <bob@wire.example>",
    ]
    kit_pdf = (folder / "dist" / "kits" / "k.pdf").read_bytes()
    ids = set()
    for message in handler.received:
        assert message["Subject"] == "Debate Night"
        assert message["From"] == "Press Office <press@org.example>"
        assert message["Reply-To"] == "desk@org.example"
        assert message["List-Unsubscribe"] == "<mailto:stop@org.example>"
        assert message["Date"] is not None
        ids.add(message["Message-ID"])
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        for body in (text, html):
            assert "A Minimal Brief" in body and "A Second Brief" in body
            assert "One sentence of summary." in body and POINT in body
            assert "not for distribution" not in body  # final: no draft notice
            assert "Press Office" in body and "press@org.example" in body
        assert "<script" not in html.lower() and "src=" not in html and "<link" not in html
        assert 'style="' in html and "#14284b" in html  # inline brand colours
        (attachment,) = message.iter_attachments()
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == "k.pdf"
        assert attachment.get_content() == kit_pdf
    assert len(ids) == 2
    assert not list((folder / "outbox").glob("*.eml"))
    assert len(list((folder / "sent").glob("*.eml"))) == 2
    again = send(folder)
    assert again.already_sent == 2 and again.sent == []
    assert len(handler.received) == 2


def test_dry_run_writes_the_messages_and_sends_nothing(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    assert (
        run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv", "--dry-run") == 0
    )
    assert "2 messages in the outbox" in capsys.readouterr().out
    files = sorted((folder / "outbox").glob("*.eml"))
    assert len(files) == 2 and handler.received == []
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Debate Night"


def test_briefs_attached_one_by_one(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    send(folder, attach="briefs")
    names = [a.get_filename() for a in handler.received[0].iter_attachments()]
    assert names == ["a.pdf", "b.pdf"]


def test_an_embargo_that_has_not_lifted_follows_the_title_in_the_subject(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    """The title comes first so a phone shows it; short marks (DRAFT) lead it."""
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    brief = folder / "content" / "a.yaml"
    brief.write_text(brief.read_text() + "embargo: 2030-01-15T09:00:00-05:00\nstatus: draft\n")
    send(folder, now=datetime(2029, 12, 1, tzinfo=UTC), allow_draft=True)
    message = handler.received[0]
    embargo = "Embargoed until 9:00 a.m. UTC−5, Tuesday, January 15, 2030"
    assert message["Subject"] == f"DRAFT: Debate Night — {embargo}"
    assert embargo in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert embargo in re.sub("<[^>]+>", "", html)  # its parts are kept whole on a phone
    # a draft says so in the body too: a forwarded message loses its subject's mark
    assert "Draft — not for distribution" in re.sub("<[^>]+>", "", html)
    assert "DRAFT — not for distribution" in message.get_body(("plain",)).get_content()
    send(folder, now=datetime(2030, 1, 16, tzinfo=UTC), allow_draft=True, resend=True)
    assert handler.received[-1]["Subject"] == "CORRECTION: DRAFT: Debate Night"


def test_a_refused_recipient_is_reported_and_stays_queued(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    handler.refuse = {"bob@wire.example"}
    folder = mail_project(project, with_logo, port)
    with pytest.raises(DeliveryError) as failure:
        send(folder)
    assert "bob@wire.example: 550 5.1.1 no such mailbox here" in str(failure.value)
    assert [str(m["To"]) for m in handler.received] == ["Ann Reporter <ann@paper.example>"]
    assert len(list((folder / "outbox").glob("*.eml"))) == 1
    assert failure.value.exit_code == 10


def test_a_lost_reply_leaves_the_message_unconfirmed(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The connection dies after the message was transmitted, before the server's reply:
    nobody knows whether it was delivered, so it is kept apart, never sent again unasked."""
    handler, port = smtp
    handler.drop_after = 1
    folder = mail_project(project, with_logo, port)
    with pytest.raises(DeliveryError, match="may or may not have been delivered") as failure:
        send(folder)
    assert failure.value.exit_code == 10
    assert "sent again only with --resend-unconfirmed" in str(failure.value)
    (accepted,) = handler.received
    (lost,) = (folder / "unconfirmed").glob("*.eml")
    assert not list((folder / "outbox").glob("*.eml"))
    handler.drop_after = None
    report = send(folder, dry_run=True)  # the next run reports it and sends nothing
    assert report.queued == [] and report.already_sent == 1 and len(report.held) == 1
    assert run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv") == 0
    assert "1 message(s) of this packet may or may not have been delivered" in (
        capsys.readouterr().err
    )
    assert len(handler.received) == 1
    report = send(folder, resend_unconfirmed=True)
    assert len(report.sent) == 1 and report.sent[0] not in str(accepted["To"])
    assert len({str(m["To"]) for m in handler.received}) == 2
    assert not lost.exists() and len(list((folder / "sent").glob("*.eml"))) == 2


def test_a_reply_that_never_comes_leaves_the_message_unconfirmed(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    release = handler.hold = threading.Event()
    try:
        with pytest.raises(DeliveryError) as failure:
            send(folder, deadlines=Deadlines(connect=5, message=0.5))
    finally:
        release.set()
    assert "may or may not have been delivered" in str(failure.value)
    assert "no complete answer from the server within 0.5 s" in str(failure.value)
    assert len(list((folder / "unconfirmed").glob("*.eml"))) == 1
    assert len(list((folder / "sent").glob("*.eml"))) == 1  # the other one went out


def test_a_connection_dropped_before_the_message_is_retried(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    handler.drop_at = {"bob@wire.example"}
    folder = mail_project(project, with_logo, port)
    report = send(folder)
    assert sorted(report.sent) == ["ann@paper.example", "bob@wire.example"]
    assert sorted(str(m["To"]) for m in handler.received) == [
        "Ann Reporter <ann@paper.example>",
        "Bob Wire <bob@wire.example>",
    ]
    assert not list((folder / "outbox").glob("*.eml"))


def test_a_temporary_refusal_is_retried_with_backoff(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    handler.defer = {"ann@paper.example": 2, "bob@wire.example": 3}
    folder = mail_project(project, with_logo, port)
    with pytest.raises(DeliveryError) as failure:
        send(folder)  # two retries: enough for Ann, not for Bob
    assert "1 of 2 messages were not accepted" in str(failure.value)
    assert "bob@wire.example: 451 4.7.1 greylisted" in str(failure.value)
    assert [str(m["To"]) for m in handler.received] == ["Ann Reporter <ann@paper.example>"]
    assert send(folder).sent == ["bob@wire.example"]


def test_bad_recipient_lists_are_reported_by_line(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, port = smtp
    folder = mail_project(project, with_logo, port)
    reporters = folder / "reporters.csv"
    reporters.write_text(
        "email,name\nann@paper.example,Ann\nnot-an-address,Carl\nann@paper.example,Ann again\n"
    )
    assert run("email", folder / "kits" / "k.yaml", "--to", reporters) == 1
    err = capsys.readouterr().err
    assert f"{reporters}:3: email: 'not-an-address' is not an email address" in err
    assert f"{reporters}:4: email: ann@paper.example is already on line 2" in err
    reporters.write_text("mail,name\nann@paper.example,Ann\n")
    assert run("email", folder / "kits" / "k.yaml", "--to", reporters) == 1
    assert "no 'email' column (did you mean 'email'?)" in capsys.readouterr().err
    assert not (folder / "outbox").exists()


def test_an_oversized_message_is_never_sent(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port, extra="  max_size: 20KB\n")
    assert run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv") == 9
    err = capsys.readouterr().err
    assert "even with its PDFs optimized; the budget (email.max_size) is 20 KB" in err
    assert "Nothing was sent." in err
    assert handler.received == [] and not (folder / "outbox").exists()


def test_a_login_needs_its_password_from_the_environment(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler, port = smtp
    monkeypatch.delenv("PRESSBRIEF_SMTP_PASSWORD", raising=False)
    folder = mail_project(project, with_logo, port, extra="    username: press\n")
    assert run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv") == 9
    assert "environment variable PRESSBRIEF_SMTP_PASSWORD" in capsys.readouterr().err
    assert handler.received == []
    assert len(list((folder / "outbox").glob("*.eml"))) == 2  # waiting, not lost


def test_starttls_with_the_projects_own_certificate_authority(
    project: Callable[..., Path], with_logo: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    keys = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            keys / "key.pem",
            "-out",
            keys / "cert.pem",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(keys / "cert.pem", keys / "key.pem")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        folder = mail_project(project, with_logo, port)
        shutil.copy(keys / "cert.pem", folder / "server-ca.pem")
        config = folder / "pressbrief.yaml"
        config.write_text(
            config.read_text().replace(
                "security: none", "security: starttls\n    ca_file: server-ca.pem"
            )
        )
        report = send(folder)
    finally:
        controller.stop()
    assert len(report.sent) == 2 and len(handler.received) == 2


def test_a_refused_connection_keeps_every_message_for_the_next_run(
    project: Callable[..., Path], with_logo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = mail_project(project, with_logo, port)
    with pytest.raises(DeliveryError) as failure:
        send(folder)
    assert "the mail server could not be reached" in str(failure.value)
    assert "Connection refused); 2 message(s) wait in outbox/" in str(failure.value)
    assert len(list((folder / "outbox").glob("*.eml"))) == 2


def test_large_pictures_are_optimized_to_fit_the_budget(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    from PIL import Image

    handler, port = smtp
    folder = mail_project(project, with_logo, port, extra="  max_size: 3MB\n")
    noise = Image.effect_noise((1800, 1400), 90).convert("RGB")
    noise.save(folder / "content" / "photo.png")
    brief = folder / "content" / "a.yaml"
    brief.write_text(brief.read_text() + "analysis: '![a noisy photograph](photo.png)'\n")
    send(folder)
    original = (folder / "dist" / "kits" / "k.pdf").stat().st_size
    assert original > 3_000_000
    (attachment,) = handler.received[0].iter_attachments()
    data = attachment.get_content()
    assert len(data) < 2_000_000 < original
    assert data.startswith(b"%PDF-")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert any(page.images for page in reader.pages), "the picture was dropped"


def test_a_run_sends_only_its_own_packet(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    assert (
        run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv", "--dry-run") == 0
    )
    (folder / "reporters.csv").write_text("email,name\nann@paper.example,Ann Reporter\n")
    assert run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv") == 0
    err = capsys.readouterr().err
    assert "1 other message(s) in outbox/ belong to another packet or to recipients no " in err
    assert [str(m["To"]) for m in handler.received] == ["Ann Reporter <ann@paper.example>"]
    assert len(list((folder / "outbox").glob("*.eml"))) == 1  # Bob's, kept, not sent


def test_line_breaks_never_reach_a_header(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    kit = folder / "kits" / "k.yaml"
    kit.write_text('title: "Debate\\nBcc: everyone@example.org"\nbriefs: [a]\n')
    (folder / "reporters.csv").write_text('email,name\nann@paper.example,"Ann\nBcc: x@y.example"\n')
    send(folder)
    (message,) = handler.received
    assert message["Subject"] == "Debate Bcc: everyone@example.org"
    assert message["Bcc"] is None
    assert str(message["To"]) == '"Ann Bcc: x@y.example" <ann@paper.example>'


# --- trust: identity, envelopes, concurrency, interruptions, misbehaving servers --------

EVIL = "=?utf-8?b?ZXZpbEBldmlsLmV4YW1wbGU=?="  # decodes to evil@evil.example


def test_a_name_can_never_redirect_a_packet(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    (folder / "reporters.csv").write_text(
        f'email,name\nann@paper.example,{EVIL}\nbob@wire.example,"Evil <evil@evil.example>"\n'
    )
    send(folder)
    assert sorted(handler.envelopes) == [["ann@paper.example"], ["bob@wire.example"]]
    names = {}
    for message in handler.received:
        (address,) = message["To"].addresses
        names[address.addr_spec] = address.display_name
    assert names == {"ann@paper.example": EVIL, "bob@wire.example": "Evil <evil@evil.example>"}


def queued_and_held(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> tuple[Handler, Path, threading.Event]:
    """A project whose packet is built and queued (a dry run), and a server that holds its
    reply to the next message until the event returned is set."""
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    send(folder, dry_run=True)  # builds the kit once and queues both messages
    release = handler.hold = threading.Event()
    return handler, folder, release


def test_concurrent_runs_send_each_message_once(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, folder, release = queued_and_held(project, with_logo, smtp)
    first: dict[str, Any] = {}

    def run_first() -> None:
        try:
            first["report"] = send(folder)
        except BaseException as error:  # pragma: no cover - reported below
            first["error"] = error

    thread = threading.Thread(target=run_first)
    thread.start()
    try:
        assert handler.holding.wait(30), "the first run never reached the server"
        second = send(folder)  # meanwhile: the first run is waiting for its reply
    finally:
        release.set()
        thread.join(30)
    assert "error" not in first, first.get("error")
    assert second.elsewhere == 1 and len(second.sent) == 1
    assert len(first["report"].sent) == 1 and first["report"].elsewhere == 1
    assert sorted(str(m["To"]) for m in handler.received) == [
        "Ann Reporter <ann@paper.example>",
        "Bob Wire <bob@wire.example>",
    ]
    assert len(list((folder / "sent").glob("*.eml"))) == 2


@contextmanager
def _email_process(folder: Path) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    """`pressbrief email` in a process of its own, its stderr lines in a queue."""
    command = [sys.executable, "-m", "pressbrief", "email", "kits/k.yaml", "--to", "reporters.csv"]
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr])
        reader.start()
        try:
            yield process, lines
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(30)
            reader.join(30)


def test_two_processes_sending_one_packet_at_once_send_each_message_once(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, folder, release = queued_and_held(project, with_logo, smtp)
    with _email_process(folder) as (first, first_err):
        try:
            assert handler.holding.wait(60), "the first run never reached the server"
            with _email_process(folder) as (second, second_err):
                assert second.wait(60) == 0  # sends the other message meanwhile
        finally:
            release.set()
        assert first.wait(60) == 0
    for lines in (first_err, second_err):
        err = "".join(lines.queue)
        assert "Traceback" not in err and "error" not in err, err
    assert sorted(str(m["To"]) for m in handler.received) == [
        "Ann Reporter <ann@paper.example>",
        "Bob Wire <bob@wire.example>",
    ]


def _wait_for(lines: queue.Queue[str], text: str) -> str:
    seen = ""
    while text not in seen:
        seen += lines.get(timeout=30)
    return seen


def test_ctrl_c_finishes_the_message_in_flight_then_stops(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, folder, release = queued_and_held(project, with_logo, smtp)
    with _email_process(folder) as (process, lines):
        try:
            assert handler.holding.wait(60), "the run never reached the server"
            process.send_signal(signal.SIGINT)  # while the server holds its reply
            _wait_for(lines, "finishing the message in flight")
        finally:
            release.set()
        assert process.wait(60) == 130
    err = "".join(lines.queue)
    assert "interrupted: 1 sent, 1 still waiting in outbox/" in err
    assert "Traceback" not in err
    (delivered,) = handler.received
    report = send(folder)  # the re-run sends just the other one
    assert report.already_sent == 1 and len(report.sent) == 1
    assert report.sent[0] not in str(delivered["To"]) and len(handler.received) == 2


def test_a_second_ctrl_c_stops_at_once_and_nothing_is_sent_twice(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, folder, release = queued_and_held(project, with_logo, smtp)
    with _email_process(folder) as (process, lines):
        try:
            assert handler.holding.wait(60), "the run never reached the server"
            process.send_signal(signal.SIGINT)
            _wait_for(lines, "finishing the message in flight")
            process.send_signal(signal.SIGINT)
            assert process.wait(30) == 130  # the server still holds its reply
        finally:
            release.set()
    assert "Traceback" not in "".join(lines.queue)
    assert len(list((folder / "unconfirmed").glob("*.eml"))) == 1  # transmitted, unanswered
    report = send(folder)
    assert len(report.sent) == 1 and len(report.held) == 1
    assert report.sent != report.held


def _raw_server(serve: Callable[[socket.socket], None]) -> Iterator[tuple[int, list[int]]]:
    """A misbehaving server on loopback: `serve` talks to each connection; yields the port
    and a list that grows by one for each connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(1)
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        listener.close()
        thread.join(10)


def _endless_greeting(connection: socket.socket) -> None:
    with connection:
        try:
            while True:
                connection.sendall(b"220-still greeting you\r\n" * 100)
        except OSError:
            return


def _silent(connection: socket.socket) -> None:
    with connection:
        connection.recv(1)  # nothing said; returns when the client gives up


@pytest.mark.parametrize("serve", [_endless_greeting, _silent], ids=["endless", "silent"])
def test_a_server_that_never_gets_ready_is_given_up_for_the_run(
    project: Callable[..., Path],
    with_logo: str,
    serve: Callable[[socket.socket], None],
) -> None:
    server = contextmanager(_raw_server)(serve)
    with server as (port, connections):
        folder = mail_project(project, with_logo, port)
        send(folder, dry_run=True)
        started = time.monotonic()
        with pytest.raises(DeliveryError) as failure:
            send(folder, deadlines=Deadlines(connect=0.3))
        elapsed = time.monotonic() - started
    message = str(failure.value)
    assert "the mail server could not be reached" in message
    assert "no complete answer from the server within 0.3 s" in message
    assert "2 message(s) wait in outbox/" in message
    assert len(connections) == 1  # given up for the run: no retry, no second message
    assert elapsed < 5
    assert len(list((folder / "outbox").glob("*.eml"))) == 2


def test_a_sent_packet_is_sent_again_only_when_asked_as_a_correction(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    send(folder)
    assert send(folder).already_sent == 2
    report = send(folder, resend=True)
    assert len(report.sent) == 2
    first, corrected = handler.received[:2], handler.received[2:]
    assert [m["Subject"] for m in corrected] == ["CORRECTION: Debate Night"] * 2
    assert not {m["Message-ID"] for m in first} & {m["Message-ID"] for m in corrected}
    again = send(folder, resend=True)  # that correction went out already
    assert again.sent == [] and again.already_sent == 2 and len(handler.received) == 4


def test_a_queued_message_that_no_longer_matches_is_replaced(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    (folder / "reporters.csv").write_text("email,name\nann@paper.example,Jhon Smtih\n")
    send(folder, dry_run=True)
    (folder / "reporters.csv").write_text("email,name\nann@paper.example,John Smith\n")
    report = send(folder)
    assert report.replaced == 1
    (message,) = handler.received
    assert str(message["To"]) == "John Smith <ann@paper.example>"
    text = message.get_body(("plain",)).get_content()
    assert "Dear John Smith" in text and "Jhon" not in text
    assert not list((folder / "outbox").glob("*.eml"))


def test_drafts_are_not_emailed_unless_allowed(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    brief = folder / "content" / "b.yaml"
    brief.write_text(brief.read_text() + "status: draft\n")
    assert run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv") == 9
    err = capsys.readouterr().err
    assert "1 brief(s) are drafts (status: draft)" in err and "b.yaml" in err
    assert "--allow-draft" in err
    assert handler.received == [] and not (folder / "outbox").exists()
    send(folder, allow_draft=True)
    assert {m["Subject"] for m in handler.received} == {"DRAFT: Debate Night"}


INTERNATIONAL = "jörg@bücher.example"


@pytest.mark.parametrize("smtputf8", [False, True], ids=["without", "with"])
def test_an_internationalized_address_needs_smtputf8(
    project: Callable[..., Path], with_logo: str, smtputf8: bool
) -> None:
    handler, port = Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        folder = mail_project(project, with_logo, port)
        (folder / "reporters.csv").write_text(f"email,name\n{INTERNATIONAL},Jörg Bücher\n")
        if not smtputf8:
            with pytest.raises(DeliveryError) as failure:
                email_packet(
                    folder / "kits" / "k.yaml",
                    folder / "reporters.csv",
                    delays=(60, 60),  # a retry would hang the test: none is made
                )
            assert f"{INTERNATIONAL}: {INTERNATIONAL} is an internationalized address" in str(
                failure.value
            )
            assert "offers SMTPUTF8" in str(failure.value) and handler.received == []
            assert len(list((folder / "outbox").glob("*.eml"))) == 1
            return
        send(folder)
    finally:
        controller.stop()
    assert handler.envelopes == [[INTERNATIONAL]]
    headers = handler.raw[0].split(b"\r\n\r\n")[0]
    assert f"<{INTERNATIONAL}>".encode() in headers  # the domain as it is, not encoded
    parsed = email.message_from_string(handler.raw[0].decode(), policy=email.policy.default)
    (address,) = parsed["To"].addresses
    assert address.addr_spec == INTERNATIONAL and address.display_name == "Jörg Bücher"


def test_a_claim_left_by_a_run_that_died_is_kept_unconfirmed(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    send(folder, dry_run=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    claimed = sorted((folder / "outbox").glob("*.eml"))[0]
    claims = folder / "outbox" / ".sending"
    claimed.rename(claims / f"{claimed.stem}.{dead.pid}.eml")  # as a kill -9 leaves it
    report = send(folder)
    assert len(report.sent) == 1 and len(report.held) == 1
    assert (folder / "unconfirmed" / claimed.name).exists()
    assert not list(claims.iterdir()) and len(handler.received) == 1


def test_the_plain_text_part_prints_the_writers_characters_unescaped(
    project: Callable[..., Path],
    with_logo: str,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A bug report: each type's plain-text part is included by the email layout, and was
    HTML-escaped there ('don&#39;t'); text is text."""
    _, port = smtp
    folder = mail_project(project, with_logo, port)
    brief = folder / "content" / "a.yaml"
    brief.write_text(MINIMAL.replace("One point.", "Voters don't know it & <b>care</b>."))
    assert run("email", brief, "--to", folder / "reporters.csv", "--dry-run") == 0
    capsys.readouterr()
    (file, *_) = sorted((folder / "outbox").glob("*.eml"))
    message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "Voters don't know it & <b>care</b>." in text
    html = message.get_body(("html",)).get_content()
    assert "<b>care" not in html and "&lt;b&gt;care" in html
