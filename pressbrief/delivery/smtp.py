"""A sender, a recipient and a message's bytes → one SMTP transaction, and what became of it.

`Session` keeps one connection to the configured server, opened when needed and reopened
after a drop. Each phase has an overall deadline (`Deadlines`), checked at every reply line,
so a server that trickles an endless multi-line reply times out like a silent one. The
envelope recipient is exactly the address given; a message is *unconfirmed* when it was
transmitted and the server's reply never came. An internationalized address needs a server
that offers SMTPUTF8.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from ..content.model import Config
from ..content.recipients import needs_smtputf8
from ..errors import MailError

log = logging.getLogger(__name__)

RETRY_DELAYS = (2.0, 10.0, 30.0)
"""Seconds to wait before each retry of a temporary failure."""


@dataclass(frozen=True)
class Deadlines:
    """The longest waits on the mail server, in seconds."""

    connect: float = 30.0
    """From connecting to being ready to send: greeting, EHLO, STARTTLS, login."""
    message: float = 300.0
    """One message, from MAIL FROM to the server's reply to its content."""


DEADLINES = Deadlines()


State = Literal["sent", "unconfirmed", "failed", "waiting"]


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class _Lines:
    """The server's reply lines, each read within the client's deadline."""

    def __init__(self, file: IO[bytes], client: _Client) -> None:
        self.file = file
        self.client = client

    def readline(self, size: int = -1) -> bytes:
        self.client.arm()
        try:
            return self.file.readline(size)
        except TimeoutError:
            raise self.client.late() from None

    def close(self) -> None:
        self.file.close()


class _Client(smtplib.SMTP):
    """smtplib's client with an overall deadline on each phase (a server that trickles an
    endless multi-line reply times out too), implicit TLS when given a context, and a
    record of whether the message itself was transmitted."""

    def __init__(self, implicit_tls: ssl.SSLContext | None, seconds: float) -> None:
        self.implicit_tls = implicit_tls
        self.seconds = seconds
        self.until = time.monotonic() + seconds
        self.transmitted = False
        super().__init__(timeout=seconds)

    def phase(self, seconds: float) -> None:
        """Start a phase that must end within `seconds`."""
        self.seconds = seconds
        self.until = time.monotonic() + seconds
        self.transmitted = False

    def arm(self) -> None:
        """Bound the next socket operation by what is left of the phase."""
        left = self.until - time.monotonic()
        if left <= 0:
            raise self.late()
        if self.sock is not None:
            self.sock.settimeout(left)

    def late(self) -> TimeoutError:
        """The error of a phase past its deadline."""
        return TimeoutError(f"no complete answer from the server within {self.seconds:g} s")

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        self._host = host  # smtplib's STARTTLS checks the certificate against it
        left = max(self.until - time.monotonic(), 0.001)
        connection = socket.create_connection((host, port), left)
        if self.implicit_tls is None:
            return connection
        return self.implicit_tls.wrap_socket(connection, server_hostname=host)

    def getreply(self) -> tuple[int, bytes]:
        if self.file is None and self.sock is not None:
            self.file = _Lines(self.sock.makefile("rb"), self)
        return super().getreply()

    def send(self, s: Any) -> None:
        self.arm()
        super().send(s)
        if isinstance(s, bytes):  # commands are sent as str; only data() sends the message
            self.transmitted = True


class Session:
    """One SMTP connection, opened when needed and reopened after a drop; `down` says why
    the server could not be reached, once it is given up for this run."""

    def __init__(
        self,
        config: Config,
        root: Path,
        password: str,
        delays: Sequence[float],
        deadlines: Deadlines,
    ) -> None:
        self.smtp = config.email.smtp
        self.password = password
        self.ca_file = str(root / self.smtp.ca_file) if self.smtp.ca_file else None
        self.delays = delays
        self.deadlines = deadlines
        self.client: _Client | None = None
        self.down = ""

    @property
    def transmitted(self) -> bool:
        """Whether the message in flight was transmitted (its fate may be unknown)."""
        return self.client is not None and self.client.transmitted

    def send(self, from_address: str, address: str, payload: bytes) -> tuple[State, str]:
        """Send one message to exactly `address`: its state afterwards, and why."""
        utf8 = needs_smtputf8(from_address) or needs_smtputf8(address)
        why = ""
        if self.client is not None:
            self.client.transmitted = False
        for attempt in range(len(self.delays) + 1):
            if attempt:
                log.warning(
                    "temporary failure (%s); retrying in %g s", why, self.delays[attempt - 1]
                )
                time.sleep(self.delays[attempt - 1])
            try:
                client = self._connected()
            except smtplib.SMTPAuthenticationError as error:
                raise MailError(
                    f"the server refused the login: {error.smtp_code} {_text(error.smtp_error)}"
                ) from error
            except (smtplib.SMTPException, OSError) as error:  # `_connected` closed it
                self.down = f"{self.smtp.host}:{self.smtp.port}: {error}"
                return "waiting", self.down
            if utf8 and not client.has_extn("smtputf8"):
                return "failed", (
                    f"{address if needs_smtputf8(address) else from_address} is an "
                    "internationalized address, which needs a mail server that offers "
                    f"SMTPUTF8; {self.smtp.host} does not, so this message cannot be sent "
                    "through it (use another server, or an ASCII address)"
                )
            client.phase(self.deadlines.message)
            try:
                code, reply = _transaction(client, from_address, address, payload, utf8)
            except (smtplib.SMTPException, OSError) as error:
                transmitted = client.transmitted
                self.close(politely=False)
                if transmitted:
                    return "unconfirmed", f"no reply after the message was transmitted: {error}"
                why = f"connection lost: {error}"
                continue
            if 200 <= code < 300:
                return "sent", ""
            why = f"{code} {_text(reply)}"
            if not 400 <= code < 500:
                return "failed", why
            self.close()
        return "failed", why

    def _connected(self) -> _Client:
        if self.client is None:
            smtp = self.smtp
            context = None
            if smtp.security != "none":
                context = ssl.create_default_context(cafile=self.ca_file)
            client = _Client(context if smtp.security == "tls" else None, self.deadlines.connect)
            try:
                code, reply = client.connect(smtp.host, smtp.port)
                if code != 220:
                    raise smtplib.SMTPConnectError(code, reply)
                client.ehlo()
                if smtp.security == "starttls":
                    client.starttls(context=context)
                    client.ehlo()
                if smtp.username:
                    client.login(smtp.username, self.password)
            except BaseException:
                client.close()
                raise
            self.client = client
        return self.client

    def close(self, politely: bool = True) -> None:
        """Close the connection, saying QUIT first if `politely`."""
        if self.client is not None:
            try:
                if politely:
                    self.client.phase(self.deadlines.connect)
                    self.client.quit()
            except (smtplib.SMTPException, OSError):
                pass
            finally:
                self.client.close()
            self.client = None


def _transaction(
    client: _Client, from_address: str, address: str, payload: bytes, utf8: bool
) -> tuple[int, bytes | str]:
    """MAIL, one RCPT (the envelope is exactly `address`), DATA: the deciding reply."""
    options = ["SMTPUTF8", "BODY=8BITMIME"] if utf8 else []
    code, reply = client.mail(from_address, options)
    if code == 250:
        code, reply = client.rcpt(address)
    if code not in (250, 251):
        client.rset()
        return code, reply
    try:
        return client.data(payload)
    except smtplib.SMTPDataError as error:  # DATA itself refused
        return error.smtp_code, error.smtp_error
