"""What `email` and `check` refuse before anything is written or sent: recipients CSVs
and email settings that could misdirect or break a message."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import MINIMAL, own_layout, run
from .test_email import free_port, mail_project


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        (
            "email,name\nann@paper.example,Ann,\n",
            ":2: 3 fields but the first line names 2 columns (a trailing comma",
        ),
        (
            "email,name,outlet\nann@paper.example,Ann,Paper,Extra\n",
            ":2: 4 fields but the first line names 3 columns",
        ),
        (
            "email,name\nbob@wire.example,Bob\nann@paper.example," + "x" * 140_000 + "\n",
            ":3: not valid CSV: field larger than field limit (131072)",
        ),
        (
            'email,name\nann@paper.example,"Ann\nbob@wire.example,Bob\n',
            ":2: not valid CSV: a quoted field is never closed",
        ),
        (
            "email,name,email\nann@paper.example,Ann,evil@evil.example\n",
            ":1: the column 'email' is named twice",
        ),
        (
            "email,name\nann@paper..example,Ann\n",
            ":2: email: 'ann@paper..example' is not an email address: ",
        ),
    ],
    ids=["trailing-comma", "extra-field", "huge-field", "open-quote", "two-email", "two-dots"],
)
def test_a_bad_recipients_csv_is_refused_by_line(
    project: Callable[..., Path],
    with_logo: str,
    capsys: pytest.CaptureFixture[str],
    csv: str,
    expected: str,
) -> None:
    folder = mail_project(project, with_logo, free_port())
    reporters = folder / "reporters.csv"
    reporters.write_text(csv)
    assert run("email", folder / "kits" / "k.yaml", "--to", reporters) == 1
    err = capsys.readouterr().err
    assert f"{reporters}{expected}" in err
    assert "Traceback" not in err and not (folder / "outbox").exists()


def test_a_recipients_file_that_is_not_a_regular_file_or_too_large_is_refused(
    project: Callable[..., Path], with_logo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = mail_project(project, with_logo, free_port())
    fifo = folder / "fifo.csv"
    os.mkfifo(fifo)
    assert run("email", folder / "kits" / "k.yaml", "--to", fifo) == 1  # and does not block
    assert f"{fifo}:1: cannot read the recipients: " in capsys.readouterr().err
    huge = folder / "huge.csv"
    with huge.open("wb") as file:
        file.truncate(10_000_001)  # sparse: nothing is read
    assert run("email", folder / "kits" / "k.yaml", "--to", huge) == 1
    assert "is 10,000,001 bytes; the limit is 10,000,000" in capsys.readouterr().err
    assert not (folder / "outbox").exists()


def test_email_settings_that_would_break_a_message_are_caught_by_check(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = project(
        "contact:\n"
        '  name: "Press\\r\\nBcc: x@y.example"\n'
        "  email: press@org..example\n"
        "email:\n"
        '  sender_name: "Desk\\nBcc: x@y.example"\n'
        '  list_unsubscribe: "mailto:stop@org.example>, <mailto:evil@evil.example"\n'
        "  smtp:\n"
        "    port: 70000\n"
        "    ca_file: ../outside.pem\n",
        a=MINIMAL,
    )
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    config = folder / "pressbrief.yaml"
    for line, message in [
        (2, "contact.name: a line break here would end the mail header"),
        (3, "contact.email: 'press@org..example' is not an email address"),
        (5, "email.sender_name: a line break here would end the mail header"),
        (6, "email.list_unsubscribe: expected a mailto: or https: address (no spaces"),
        (8, "email.smtp.port: 70000 is not a port; expected 1 to 65535"),
        (9, "email.smtp.ca_file: '../outside.pem' is outside the project folder"),
    ]:
        assert f"{config}:{line}: {message}" in err
    config.write_text("email:\n  smtp:\n    ca_file: missing.pem\n")
    assert run("check", folder) == 1
    assert f"{config}:3: email.smtp.ca_file: 'missing.pem' does not exist" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{{ 1/0 }}", "template.html:2: layout 'email' failed: ZeroDivisionError"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "rendering took longer than the limit of 1 s (limits.render_seconds",
        ),
    ],
    ids=["error", "endless"],
)
def test_an_email_layout_is_held_to_the_render_limits(
    project: Callable[..., Path],
    with_logo: str,
    capsys: pytest.CaptureFixture[str],
    line: str,
    expected: str,
) -> None:
    folder = mail_project(project, with_logo, free_port(), extra="limits:\n  render_seconds: 1\n")

    def insert(text: str) -> str:
        first, rest = text.split("\n", 1)
        return f"{first}\n{line}\n{rest}"

    own_layout(folder, insert, "email")
    code = run("email", folder / "kits" / "k.yaml", "--to", folder / "reporters.csv", "--dry-run")
    err = capsys.readouterr().err
    assert code == 4, err
    assert expected in err and "Traceback" not in err
    assert not (folder / "outbox").exists()
