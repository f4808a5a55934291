"""A recipients CSV → the reporters a packet goes to, each address checked.

Columns `email`, `name`, `outlet`; other named columns are ignored. Anything that could
send a packet where it was not meant to go is refused with its line, before a message is
written: a row with more fields than the header names, an unterminated quote (which would
swallow the next rows), a repeated column, a field or a file too large, a malformed or
repeated address.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Problem
from ..files import read_regular
from .yamlfile import suggest

COLUMNS = ("email", "name", "outlet")
CSV_LIMIT = 10_000_000
"""The largest recipients file read, in bytes."""


@dataclass(frozen=True)
class Recipient:
    """A reporter on the list."""

    email: str
    name: str = ""
    outlet: str = ""


def address_problem(address: str) -> str | None:
    """Why `address` is not an email address, or None if it is one. Syntax only: no DNS."""
    from email_validator import EmailNotValidError, validate_email  # 40 ms: when needed

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return f"'{address}' is not an email address: {error}"
    return None


def needs_smtputf8(address: str) -> bool:
    """Whether mail to or from `address` needs a server that offers SMTPUTF8."""
    return not address.isascii()


def read_recipients(path: Path) -> list[Recipient]:
    """The recipients in a CSV file; ContentError listing every problem by line."""
    try:
        text = read_regular(path, CSV_LIMIT).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(
            [Problem(path, 1, "", f"cannot read the recipients: {error}")]
        ) from error
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in rows:
            records.append((start, row))
            start = rows.line_num + 1
    except csv.Error as error:
        why = "a quoted field is never closed" if "end of data" in str(error) else str(error)
        raise ContentError([Problem(path, start, "", f"not valid CSV: {why}")]) from error
    if not records:
        raise ContentError([Problem(path, 1, "", "no recipients in the file")])
    (_, header), *body = records
    columns = [c.strip().lower() for c in header]
    for index, column in enumerate(columns):
        if column in COLUMNS and column in columns[:index]:
            problems.append(Problem(path, 1, "", f"the column '{column}' is named twice"))
    if "email" not in columns:
        hint = "".join(suggest(c, ["email"]) for c in columns)
        problems.append(
            Problem(
                path,
                1,
                "",
                f"no 'email' column{hint}; expected columns {', '.join(COLUMNS)} in the first line",
            )
        )
    if problems:
        raise ContentError(problems)
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for line, row in body:
        if not any(field.strip() for field in row):
            continue  # a blank line
        if len(row) > len(columns):
            problems.append(
                Problem(
                    path,
                    line,
                    "",
                    f"{len(row)} fields but the first line names {len(columns)} columns "
                    "(a trailing comma, or a comma inside a name that is not quoted?)",
                )
            )
            continue
        # White space folded: a line break in a name must not reach a header.
        values = {
            column: " ".join(value.split()) for column, value in zip(columns, row, strict=False)
        }
        email = values.get("email", "")
        wrong = address_problem(email)
        if wrong is not None:
            problems.append(Problem(path, line, "email", wrong))
            continue
        if email.lower() in seen:
            problems.append(
                Problem(path, line, "email", f"{email} is already on line {seen[email.lower()]}")
            )
            continue
        seen[email.lower()] = line
        recipients.append(Recipient(email, values.get("name", ""), values.get("outlet", "")))
    if problems:
        raise ContentError(problems)
    if not recipients:
        raise ContentError([Problem(path, 1, "", "no recipients in the file")])
    return recipients
