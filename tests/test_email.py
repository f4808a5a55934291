"""Emailing packets against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pressbrief import DeliveryError, email_packet

from .conftest import MINIMAL, run

REPORTERS = (
    "email,name,outlet,beat\nann@paper.example,Ann Reporter,The Paper,politics\n"
    "bob@wire.example,Bob Wire,Wire Service,energy\n"
)
POINT = "A point reporters can quote."


class Handler:
    """Keeps what it accepts; can refuse recipients or drop the connection."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.drop_after: int | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()  # the connection drops before the server answers
            return "421 going away"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
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
    assert sorted(report.sent) == [
        "Ann Reporter <ann@paper.example>",
        "Bob Wire <bob@wire.example>",
    ]
    assert [str(m["To"]) for m in handler.received] == sorted(report.sent)
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


def test_an_embargo_that_has_not_lifted_leads_the_subject(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    folder = mail_project(project, with_logo, port)
    brief = folder / "content" / "a.yaml"
    brief.write_text(brief.read_text() + "embargo: 2030-01-15T09:00:00-05:00\n")
    send(folder, now=datetime(2029, 12, 1, tzinfo=UTC))
    subject = handler.received[0]["Subject"]
    assert subject == "EMBARGOED UNTIL JANUARY 15, 2030, 9:00 AM (UTC−05:00): Debate Night"
    assert "EMBARGOED UNTIL" in handler.received[0].get_body(("plain",)).get_content()


def test_a_refused_recipient_is_reported_and_stays_queued(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    handler.refuse = {"bob@wire.example"}
    folder = mail_project(project, with_logo, port)
    with pytest.raises(DeliveryError) as failure:
        send(folder)
    assert "Bob Wire <bob@wire.example>: 550 5.1.1 no such mailbox here" in str(failure.value)
    assert [str(m["To"]) for m in handler.received] == ["Ann Reporter <ann@paper.example>"]
    assert len(list((folder / "outbox").glob("*.eml"))) == 1
    assert failure.value.exit_code == 10


def test_a_dropped_connection_resumes_without_duplicates(
    project: Callable[..., Path], with_logo: str, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    handler.drop_after = 1
    folder = mail_project(project, with_logo, port)
    with pytest.raises(DeliveryError, match="connection failed"):
        send(folder)
    assert len(handler.received) == 1
    handler.drop_after = None
    report = send(folder)
    assert report.already_sent == 1 and len(report.sent) == 1
    assert sorted(str(m["To"]) for m in handler.received) == [
        "Ann Reporter <ann@paper.example>",
        "Bob Wire <bob@wire.example>",
    ]
    assert not list((folder / "outbox").glob("*.eml"))


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
    assert "2 of 2 messages were not accepted" in str(failure.value)
    assert "Connection refused" in str(failure.value)
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
