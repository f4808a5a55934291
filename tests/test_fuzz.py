"""Property-based: the example briefs, mutated at random, never give a traceback, an exit
code outside the documented set, a partial file or a hang.

The budget is bounded (a fixed number of examples, derandomized so CI sees the same ones
every run) so the suite stays fast; raise `PRESSBRIEF_FUZZ` to search longer locally.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from .conftest import REPO, run

EXAMPLES = sorted((REPO / "content").glob("*.yaml"))
SCALE = int(os.environ.get("PRESSBRIEF_FUZZ", "1"))
# Characters that matter to YAML, Markdown, HTML, Jinja and CSV, control characters
# (pasted out of Word), and letters no bundled font has.
SPECIAL = st.sampled_from(
    [*"{}[]:&*!|>'\"%@`#,-?\n\t\\<>_~=$()", "\x00", "\x0b", "\x1b", "\x7f", "\u0905"]
)
TEXT = st.text(st.one_of(SPECIAL, st.characters(codec="utf-8")), max_size=40)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """An example brief with a few random edits: text inserted, lines dropped or repeated,
    deep nesting, emphasis piled up."""
    text = EXAMPLES[draw(st.integers(0, len(EXAMPLES) - 1))].read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True)
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        kind = draw(st.sampled_from(["insert", "drop", "repeat", "nest", "emphasis", "value"]))
        if kind == "insert":
            cut = draw(st.integers(0, len(text)))
            text = text[:cut] + draw(TEXT) + text[cut:]
            continue
        if kind == "drop" and lines:
            del lines[where]
        elif kind == "repeat" and lines:
            lines.insert(where, lines[where])
        elif kind == "nest":
            depth = draw(st.integers(50, 300))
            lines.insert(where, "x: " + "[" * depth + "]" * depth + "\n")
        elif kind == "emphasis":
            depth = draw(st.integers(50, 600))
            lines.insert(where, f"summary: '{'*_' * depth}x{'_*' * depth}'\n")
        elif kind == "value" and lines:
            key = lines[where].partition(":")[0]
            lines[where] = f"{key}: {draw(TEXT)!r}\n"
        text = "".join(lines)
    return text


@contextmanager
def scratch(brief: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="pressbrief-fuzz-"))
    try:
        shutil.copytree(REPO / "assets", folder / "assets")
        shutil.copy(REPO / "pressbrief.yaml", folder / "pressbrief.yaml")
        (folder / "content").mkdir()
        (folder / "content" / "fuzzed.yaml").write_text(brief, encoding="utf-8")
        yield folder
    finally:
        shutil.rmtree(folder)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


@settings(
    max_examples=150 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(brief=mutated())
def test_check_survives_any_mutation(brief: str, capsys: pytest.CaptureFixture[str]) -> None:
    with scratch(brief) as folder:
        code = run("check", folder)
        event(f"exit {code}")
        err = capsys.readouterr().err
        assert code in (0, 1), err
        assert "Traceback" not in err
        if code == 1:
            assert "fuzzed.yaml:" in err  # FILE:LINE, pointing at the brief


@settings(
    max_examples=25 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(brief=mutated())
def test_render_survives_any_mutation(brief: str, capsys: pytest.CaptureFixture[str]) -> None:
    with scratch(brief) as folder:
        output = folder / "out.pdf"
        code = run("render", folder / "content" / "fuzzed.yaml", "-o", output)
        event(f"exit {code}")
        err = capsys.readouterr().err
        assert code in (0, 1, 3, 4), err
        assert "Traceback" not in err
        assert output.exists() == (code == 0)
        if code == 0:
            assert output.read_bytes().startswith(b"%PDF-")
        assert not leftovers(folder)


REPORTERS = (
    "email,name,outlet\nann@paper.example,Ann Reporter,The Paper\n"
    "bob@wire.example,Bob Wire,Wire Service\n"
)
CSV_TEXT = st.one_of(
    st.text(
        st.one_of(st.sampled_from([*',"\n\r\t;=?@<>é\x00']), st.characters(codec="utf-8")),
        max_size=20,
    ),
    st.just("=?utf-8?b?ZXZpbEBldmlsLmV4YW1wbGU=?="),  # decodes to an address
    st.just(",evil@evil.example"),
)


@st.composite
def mutated_list(draw: st.DrawFn) -> str:
    """The example recipients list with a few random edits."""
    text = REPORTERS
    for _ in range(draw(st.integers(1, 4))):
        cut = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:cut] + draw(CSV_TEXT) + text[cut:]
        else:
            text = text[:cut] + text[draw(st.integers(cut, min(len(text), cut + 12))) :]
    return text


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a kit to email, built once (dry runs reuse the cached PDFs)."""
    folder = tmp_path_factory.mktemp("packet")
    (folder / "content").mkdir()
    (folder / "kits").mkdir()
    (folder / "pressbrief.yaml").write_text(
        "contact:\n  name: Press Office\n  email: press@org.example\n"
        "email:\n  smtp:\n    host: 127.0.0.1\n    port: 9\n    security: none\n"
    )
    (folder / "content" / "a.yaml").write_text(
        (REPO / "content" / "broadband-compact.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (folder / "kits" / "k.yaml").write_text("title: Debate Night\nbriefs: [a]\n")
    return folder


@settings(
    max_examples=30 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(reporters=mutated_list())
def test_a_recipients_list_never_misdirects_a_packet(
    reporters: str, packet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import email
    import email.policy

    shutil.rmtree(packet / "outbox", ignore_errors=True)
    csv = packet / "reporters.csv"
    csv.write_text(reporters, encoding="utf-8")
    code = run("email", packet / "kits" / "k.yaml", "--to", csv, "--dry-run")
    event(f"exit {code}")
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "Traceback" not in err
    messages = sorted((packet / "outbox").glob("*.eml"))
    assert bool(messages) == (code == 0)  # a refused list queues nothing
    for file in messages:
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        (address,) = message["To"].addresses  # one recipient, no smuggled second one
        assert address.addr_spec in reporters  # exactly an address the list holds
        assert message["Cc"] is None and message["Bcc"] is None
