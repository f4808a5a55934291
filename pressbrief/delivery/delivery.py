"""Messages → `outbox/*.eml` (written atomically, before any network activity) → SMTP →
`sent/*.eml`, resumable and never sending a message twice.

A message is named by its identity (packet and recipient, `mail.identity`). It is queued
unless it was sent already (`--resend` sends it again, as a correction) or its fate is
unknown; a queued message whose content changed since it was written is replaced. Every
change of a message's state happens under a lock on the outbox, and a run *claims* a
message (moves it to `outbox/.sending/`, tagged with its process id) before it talks to
the server: concurrent runs never send the same message, and a run sends only what it
queued itself, never another packet's messages.

After the server's final reply a message moves to `sent/` (accepted), or back to the
outbox (refused, or not sent). If the connection is lost after the message was
transmitted and before the server answered, nobody can know whether it was delivered: it
moves to `unconfirmed/`, is reported at the end of the run and at the start of the next,
and is sent again only with `--resend-unconfirmed`. A claim left by a run that died is
treated the same way.

The talking to the server is `smtp.Session`'s. Temporary failures (4xx replies, a
connection lost before the message was transmitted) are retried with backoff; a permanent
refusal (5xx) of one recipient is reported and that message stays in the outbox. Every wait
on the server has an overall deadline, and when the server cannot be reached at all
(refused, unreachable, no greeting in time) the run stops trying it at once: the remaining
messages wait in the outbox for the next run. The first Ctrl-C lets the message in flight
finish, then stops; a second one stops at once.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote

from ..content.model import Config
from ..errors import DeliveryError, Interrupted, MailError
from ..files import write_atomic
from ..pdf.workers import alive
from .mail import CONTENT_HEADER, RECIPIENT_HEADER, sender
from .smtp import DEADLINES, RETRY_DELAYS, Deadlines, Session, State

log = logging.getLogger(__name__)

OUTBOX = "outbox"
SENT = "sent"
UNCONFIRMED = "unconfirmed"
SENDING = ".sending"
"""Inside the outbox: messages claimed by a run, as NAME.PID.eml."""


@dataclass
class Report:
    """What a run did, by recipient address."""

    queued: list[Path] = field(default_factory=list)
    already_sent: int = 0
    replaced: int = 0
    """Queued messages rewritten because their content changed."""
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unconfirmed: dict[str, str] = field(default_factory=dict)
    """This run's messages whose delivery nobody can know, and why."""
    held: list[str] = field(default_factory=list)
    """This packet's messages kept in unconfirmed/ from an earlier run, not sent again."""
    unconfirmed_waiting: int = 0
    """Messages of any packet in unconfirmed/ when the run started."""
    elsewhere: int = 0
    """Messages being sent by another run at the same time."""
    waiting: list[str] = field(default_factory=list)
    """Messages not tried: the run stopped, or the server could not be reached."""
    others_waiting: int = 0
    """Messages of other packets (or of recipients no longer listed) left in the outbox."""


# --- the outbox ------------------------------------------------------------------------


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """The outbox lock, held while a message changes state (never while sending)."""
    (root / OUTBOX / SENDING).mkdir(parents=True, exist_ok=True)
    with open(root / OUTBOX / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _headers(path: Path) -> Message:
    with path.open("rb") as file:
        return BytesHeaderParser(policy=compat32).parse(file)


def _claims(root: Path) -> dict[str, Path]:
    """Claimed messages by name (NAME.eml), whoever claimed them."""
    return {
        f"{claim.name.split('.')[0]}.eml": claim
        for claim in (root / OUTBOX / SENDING).glob("*.*.eml")
    }


def _recover(root: Path) -> None:
    """Claims of runs that died: the message may have been transmitted → unconfirmed/."""
    for name, claim in _claims(root).items():
        pid = int(claim.name.split(".")[1])  # NAME.PID.eml, as `_claim` names it
        if pid != os.getpid() and not alive(pid):
            (root / UNCONFIRMED).mkdir(exist_ok=True)
            os.replace(claim, root / UNCONFIRMED / name)
            log.warning(
                "a run that stopped without finishing (process %d) was sending %s; it may "
                "have been delivered, so it is kept in %s",
                pid,
                _recipient(root / UNCONFIRMED / name),
                UNCONFIRMED,
            )


def _recipient(path: Path) -> str:
    return unquote(str(_headers(path)[RECIPIENT_HEADER]))


def queue(
    messages: Mapping[str, EmailMessage],
    root: Path,
    report: Report,
    *,
    resend: bool = False,
    resend_unconfirmed: bool = False,
) -> None:
    """Write each message (by name, `mail.identity`) that is to be sent to the outbox.

    Skipped: a message sent already (unless `resend` and what was sent differs), one
    another run is sending, one in unconfirmed/ (unless `resend_unconfirmed`)."""
    outbox, sent, unconfirmed = root / OUTBOX, root / SENT, root / UNCONFIRMED
    with _locked(root):
        _recover(root)
        claims = _claims(root)
        files = {f"{name}.eml": message for name, message in messages.items()}
        report.others_waiting = sum(1 for f in outbox.glob("*.eml") if f.name not in files)
        report.unconfirmed_waiting = len(list(unconfirmed.glob("*.eml")))
        for name, message in files.items():
            address = unquote(str(message[RECIPIENT_HEADER]))
            content = str(message[CONTENT_HEADER])
            if name in claims:
                report.elsewhere += 1
                continue
            unknown = (unconfirmed / name).exists()
            if unknown and not resend_unconfirmed:
                report.held.append(address)
                continue
            if (
                not unknown
                and was_sent(root, name[:-4])
                and (not resend or _headers(sent / name)[CONTENT_HEADER] == content)
            ):
                report.already_sent += 1
                continue
            if not (outbox / name).exists():
                write_atomic(message.as_bytes(), outbox / name)
            elif _headers(outbox / name)[CONTENT_HEADER] != content:
                write_atomic(message.as_bytes(), outbox / name)
                report.replaced += 1
                log.info("the queued message to %s changed; replaced", address)
            (unconfirmed / name).unlink(missing_ok=True)  # asked for: it is queued again
            report.queued.append(outbox / name)
    if report.held:
        log.warning(
            "%d message(s) of this packet may or may not have been delivered (the connection "
            "was lost before the server confirmed them): %s. They stay in %s/ and are sent "
            "again only with --resend-unconfirmed.",
            len(report.held),
            ", ".join(report.held),
            UNCONFIRMED,
        )
    elif report.unconfirmed_waiting:
        log.warning(
            "%d message(s) of other packets in %s/ may or may not have been delivered",
            report.unconfirmed_waiting,
            UNCONFIRMED,
        )


def was_sent(root: Path, name: str) -> bool:
    """Whether the message `name` (`mail.identity`) was sent already."""
    return (root / SENT / f"{name}.eml").exists()


def _claim(root: Path, file: Path) -> Path | None:
    """The message claimed for this process, or None if another run took it."""
    claim = root / OUTBOX / SENDING / f"{file.stem}.{os.getpid()}.eml"
    with _locked(root):
        try:
            os.rename(file, claim)
        except FileNotFoundError:
            return None
    return claim


def _settle(root: Path, claim: Path, state: State) -> None:
    """Move a claimed message to where its state says."""
    folder = {"sent": SENT, "unconfirmed": UNCONFIRMED}.get(state, OUTBOX)
    name = f"{claim.name.split('.')[0]}.eml"
    with _locked(root):
        (root / folder).mkdir(exist_ok=True)
        os.replace(claim, root / folder / name)


# --- sending ---------------------------------------------------------------------------


def deliver(
    config: Config,
    root: Path,
    report: Report,
    progress: Callable[[int, int, str], None] | None = None,
    delays: Sequence[float] = RETRY_DELAYS,
    deadlines: Deadlines = DEADLINES,
) -> None:
    """Send this run's queued messages; raise DeliveryError if any was not accepted or
    may not have been, Interrupted after a Ctrl-C.

    Other messages in the outbox (another packet's, or a recipient since taken off the
    list) are left alone: a run sends only what it was asked to."""
    files = sorted(report.queued)
    if not files:
        return
    from_address = sender(config)
    session = Session(config, root, _password(config), delays, deadlines)
    with _StopOnInterrupt() as stop:
        try:
            for done, file in enumerate(files, 1):
                if stop.requested or session.down:
                    with suppress(FileNotFoundError):  # gone: another run is sending it
                        report.waiting.append(_recipient(file))
                    continue
                claim = _claim(root, file)
                if claim is None:
                    report.elsewhere += 1
                    log.info("%s: being sent by another run", file.name)
                    continue
                address = _recipient(claim)
                state: State = "waiting"
                try:
                    state, why = session.send(from_address, address, claim.read_bytes())
                finally:  # even on a second Ctrl-C: nothing transmitted is sent again unasked
                    if session.transmitted and state == "waiting":
                        state = "unconfirmed"
                    _settle(root, claim, state)
                _record(report, address, state, why)
                if progress is not None:
                    progress(done, len(files), f"{address}: {state}")
        except BaseException:
            session.close(politely=False)  # a second Ctrl-C, an error: no more waiting
            raise
        session.close()
    _conclude(report, len(files), stop.requested, session.down)


def _record(report: Report, address: str, state: State, why: str) -> None:
    if state == "sent":
        report.sent.append(address)
        log.info("sent to %s", address)
    elif state == "unconfirmed":
        report.unconfirmed[address] = why
        log.error("%s: %s", address, why)
    elif state == "failed":
        report.failed[address] = why
        log.error("not sent to %s: %s", address, why)
    else:
        report.waiting.append(address)


def _conclude(report: Report, total: int, stopped: bool, down: str) -> None:
    """Raise what the user must know about a run that did not send everything."""
    parts = []
    if report.failed:
        lines = "".join(f"\n  {who}: {why}" for who, why in report.failed.items())
        parts.append(
            f"{len(report.failed)} of {total} messages were not accepted; they stay in "
            f"{OUTBOX}/ and the next run tries them again:{lines}"
        )
    if report.unconfirmed:
        lines = "".join(f"\n  {who}: {why}" for who, why in report.unconfirmed.items())
        parts.append(
            f"{len(report.unconfirmed)} message(s) may or may not have been delivered: the "
            "connection was lost after the message was transmitted and before the server "
            f"confirmed it. They are kept in {UNCONFIRMED}/ and sent again only with "
            f"--resend-unconfirmed (ask the reporter first):{lines}"
        )
    waiting = len(report.waiting)
    if down:
        parts.insert(
            0,
            f"the mail server could not be reached ({down}); {waiting} message(s) wait in "
            f"{OUTBOX}/ for the next run",
        )
    summary = "\n".join(parts)
    if stopped:
        raise Interrupted(
            f"interrupted: {len(report.sent)} sent, {waiting} still waiting in {OUTBOX}/ "
            "(a re-run of this packet sends them)" + (f"\n{summary}" if summary else "")
        )
    if summary:
        raise DeliveryError(summary)


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


class _StopOnInterrupt:
    """While delivering (in the main thread): the first Ctrl-C asks to stop after the
    message in flight; a second one raises KeyboardInterrupt at once."""

    def __init__(self) -> None:
        self.requested = False
        self.previous: Any = None
        self.installed = False

    def __enter__(self) -> _StopOnInterrupt:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._interrupted)
            self.installed = True
        return self

    def _interrupted(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        log.warning(
            "interrupted: finishing the message in flight, then stopping "
            "(Ctrl-C again to stop at once)"
        )

    def __exit__(self, *exc: object) -> None:
        if self.installed:
            signal.signal(signal.SIGINT, self.previous or signal.default_int_handler)
