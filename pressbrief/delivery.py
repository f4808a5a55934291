"""Messages → `outbox/*.eml` (written atomically, before any network activity) → SMTP →
`sent/*.eml`, resumable and never sending a message twice.

A message is named by its Message-ID digest. It is queued only if it is neither in the
outbox nor in `sent/`, and it moves from the outbox to `sent/` only after the server
accepted it. A re-run of the same packet therefore sends just what is still waiting; a run
never sends messages of other packets that wait in the outbox. Temporary failures
(4xx replies, refused or dropped connections) are retried with backoff; a permanent refusal
(5xx) of one recipient is reported and that message stays in the outbox.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from .errors import DeliveryError, MailError
from .model import Config
from .render import write_atomic

log = logging.getLogger(__name__)

OUTBOX = "outbox"
SENT = "sent"
RETRY_DELAYS = (2.0, 10.0, 30.0)
"""Seconds to wait before each retry of a temporary failure."""


@dataclass
class Report:
    """What a run did: messages queued, already sent, sent now, failures, and messages of
    other packets left waiting in the outbox."""

    queued: list[Path] = field(default_factory=list)
    already_sent: int = 0
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    others_waiting: int = 0


def name_of(message: EmailMessage) -> str:
    """The file name of a message in the outbox and in sent/."""
    digest = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:32]
    return f"{digest}.eml"


def queue(messages: Sequence[EmailMessage], root: Path, report: Report) -> None:
    """Write each message not yet queued or sent to the outbox; count the messages of other
    packets (or of recipients no longer listed) that wait there and will not be sent."""
    outbox, sent = root / OUTBOX, root / SENT
    ours = {name_of(message) for message in messages}
    report.others_waiting = sum(1 for f in outbox.glob("*.eml") if f.name not in ours)
    for message in messages:
        name = name_of(message)
        if (sent / name).exists():
            report.already_sent += 1
            continue
        if not (outbox / name).exists():
            write_atomic(message.as_bytes(), outbox / name)
        report.queued.append(outbox / name)


def deliver(
    config: Config,
    root: Path,
    report: Report,
    progress: Callable[[int, int, str], None] | None = None,
    delays: Sequence[float] = RETRY_DELAYS,
) -> None:
    """Send this run's queued messages; raise DeliveryError listing what was not accepted.

    Other messages in the outbox (another packet's, or a recipient since taken off the
    list) are left alone: a run sends only what it was asked to."""
    outbox, sent = root / OUTBOX, root / SENT
    files = sorted(report.queued)
    if not files:
        return
    password = _password(config)
    session = _Session(config, root, password)
    try:
        for done, file in enumerate(files, 1):
            message = email.message_from_bytes(file.read_bytes(), policy=email.policy.SMTP)
            recipient = str(message["To"])
            error = session.send(message, delays)
            if error is None:
                sent.mkdir(parents=True, exist_ok=True)
                os.replace(file, sent / file.name)
                report.sent.append(recipient)
                log.info("sent to %s", recipient)
            else:
                report.failed[recipient] = error
                log.error("not sent to %s: %s", recipient, error)
            if progress is not None:
                progress(done, len(files), f"{recipient}: {'sent' if error is None else 'failed'}")
    finally:
        session.close()
    if report.failed:
        lines = "\n".join(f"  {who}: {why}" for who, why in report.failed.items())
        raise DeliveryError(
            f"{len(report.failed)} of {len(files)} messages were not accepted; they stay in "
            f"{outbox} and the next run tries them again:\n{lines}"
        )


def _password(config: Config) -> str:
    smtp = config.email.smtp
    if not smtp.username:
        return ""
    password = os.environ.get(smtp.password_env, "")
    if not password:
        raise MailError(
            f"email.smtp.username is set but the password is not: put it in the environment "
            f"variable {smtp.password_env} (it is never read from a file). The messages wait "
            "in the outbox."
        )
    return password


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class _Session:
    """One SMTP connection, opened when needed and reopened after a drop."""

    def __init__(self, config: Config, root: Path, password: str) -> None:
        self.smtp = config.email.smtp
        self.password = password
        self.ca_file = str(root / self.smtp.ca_file) if self.smtp.ca_file else None
        self.client: smtplib.SMTP | None = None

    def send(self, message: EmailMessage, delays: Sequence[float]) -> str | None:
        """None once the server accepted `message`, else why it was not."""
        for attempt in range(len(delays) + 1):
            try:
                client = self._connected()
                client.send_message(message)
                return None
            except smtplib.SMTPRecipientsRefused as refused:
                code, text = next(iter(refused.recipients.values()))
                why = f"{code} {_text(text)}"
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                code, why = error.smtp_code, f"{error.smtp_code} {_text(error.smtp_error)}"
            except smtplib.SMTPAuthenticationError as error:
                raise MailError(
                    f"the server refused the login: {error.smtp_code} {_text(error.smtp_error)}"
                ) from error
            except (smtplib.SMTPException, OSError) as error:
                code, why = 421, f"connection failed: {error}"  # temporary, reconnect
                self.close()
            if not 400 <= code < 500:
                return why
            if attempt < len(delays):
                log.warning("temporary failure (%s); retrying in %g s", why, delays[attempt])
                time.sleep(delays[attempt])
                self.close()
        return why

    def _connected(self) -> smtplib.SMTP:
        if self.client is None:
            context = ssl.create_default_context(cafile=self.ca_file)
            host, port = self.smtp.host, self.smtp.port
            if self.smtp.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, context=context, timeout=30)
            else:
                client = smtplib.SMTP(host, port, timeout=30)
                if self.smtp.security == "starttls":
                    client.starttls(context=context)
            if self.smtp.username:
                client.login(self.smtp.username, self.password)
            self.client = client
        return self.client

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()
            self.client = None
