"""Document types declared as schemas: a project's own type, `extends`, the field
reference, the JSON Schema for editors, scaffolds, and schema mistakes named in their file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from pressbrief.content.project import document_types

from .conftest import REPO, embedded_fonts, pdf_text, run, structure
from .test_project_fonts import FACES, NOTO, declare, renamed

OP_ED_LAYOUT = """\
doc: An opinion piece under a writer's byline.
label: Op-ed
schema:
  title: {type: text, required: true, doc: "The headline."}
  byline: {type: text, required: true, doc: "Who wrote it, e.g. 'By Jane Doe'."}
  body: {type: markdown, required: true, doc: "The piece, several paragraphs."}
fit:
  steps:
    - {name: regular, size: 11pt}
    - {name: small, size: 9.5pt}
"""

OP_ED_TEMPLATE = """\
<!DOCTYPE html>
<html lang="{{ brief.lang }}">
<head>{% set title = brief.title %}{% set description = 'Op-ed' %}{% set keywords = brief.tags %}
{% include "_shared/head.html" %}</head>
<body>
<main>
{% block headline %}<h1>{{ brief.title }}</h1>{% endblock %}
<p class="byline">{{ brief.byline }}</p>
{% block body %}{{ brief.body | md }}{% endblock %}
</main>
</body>
</html>
"""

OP_ED = """\
type: op-ed
title: Debates should ask about the budget
byline: By Jane Doe
body: |-
  The moderators asked about everything but the money.

  Next time, ask how each plan is paid for.
"""


def op_ed_project(make: Callable[..., Path], **documents: str) -> Path:
    """A project with its own type, 'op-ed' (three fields), set in its own font."""
    folder = make(None, **documents)
    files = []
    for variant, (weight, style) in FACES.items():
        path = f"fonts/OpinionSerif-{variant}.ttf"
        renamed(NOTO / f"NotoSerif-{variant}.ttf", folder / path, "Opinion Serif", variant)
        files.append(f"path: {path}, weight: {weight}, style: {style}")
    (folder / "pressbrief.yaml").write_text(
        declare("Opinion Serif", files, body_font="Opinion Serif")
    )
    own = folder / "layouts" / "op-ed"
    own.mkdir(parents=True)
    (own / "layout.yaml").write_text(OP_ED_LAYOUT)
    (own / "template.html").write_text(OP_ED_TEMPLATE)
    (own / "style.css").write_text(
        "main { font-family: var(--body-font); font-size: var(--size, 11pt); }\n"
        ".byline { font-style: italic; }\n"
    )
    return folder


def test_a_project_defines_its_own_type_and_renders_it(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = op_ed_project(project, piece=OP_ED)
    assert run("check", folder) == 0
    assert run("render", folder / "content" / "piece.yaml", "-o", folder / "piece.pdf") == 0
    text = pdf_text(folder / "piece.pdf")
    for part in ("Debates should ask about the budget", "By Jane Doe", "how each plan is paid"):
        assert part in text
    kinds, _ = structure(folder / "piece.pdf")
    assert "/H1" in kinds
    fonts = embedded_fonts(folder / "piece.pdf")
    assert {"Opinion-Serif", "Opinion-Serif-Italic"} <= fonts, fonts
    capsys.readouterr()
    assert run("types", "-p", folder) == 0
    listed = capsys.readouterr().out
    assert "op-ed" in listed and "An opinion piece" in listed and "issue-brief" in listed
    assert run("types", "op-ed", "-p", folder) == 0
    reference = capsys.readouterr().out
    assert "byline: text, required. Who wrote it" in reference
    assert "body: markdown, required." in reference


def test_the_same_validator_serves_a_projects_type(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "type: op-ed\ntitle: A headline\nbyilne: By Jane Doe\nbody: [not, text]\n"
    folder = op_ed_project(project, piece=bad)
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    file = folder / "content" / "piece.yaml"
    assert f"{file}:1: byline: required field is missing: Who wrote it" in err
    assert f"{file}:3: byilne: unknown field (did you mean 'byline'?)" in err
    assert f"{file}:4: body: expected text, got a list" in err
    assert "Traceback" not in err


def test_a_type_extends_another_inheriting_fields_template_and_style(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    piece = OP_ED.replace("type: op-ed", "type: guest-op-ed") + "affiliation: Senior Fellow\n"
    folder = op_ed_project(project, piece=piece)
    child = folder / "layouts" / "guest-op-ed"
    child.mkdir()
    (child / "layout.yaml").write_text(
        "extends: op-ed\ndoc: An op-ed by a guest writer.\n"
        "schema:\n  affiliation: {type: text, required: true, doc: The writer's position.}\n"
    )
    (child / "template.html").write_text(
        '{% extends "op-ed/template.html" %}\n'
        '{% block headline %}<h1>{{ brief.title }}</h1><p class="guest">Guest: '
        "{{ brief.affiliation }}</p>{% endblock %}\n"
    )
    (child / "style.css").write_text(".guest { color: var(--accent); }\n")
    assert run("check", folder) == 0
    out = folder / "piece.pdf"
    assert run("render", folder / "content" / "piece.yaml", "-o", out) == 0
    text = pdf_text(out)
    # Its own block, and the parent's template, fields and body around it.
    assert "Guest: Senior Fellow" in text and "By Jane Doe" in text and "each plan is paid" in text
    capsys.readouterr()
    assert run("types", "guest-op-ed", "-p", folder) == 0
    reference = capsys.readouterr().out
    assert "(extends op-ed)" in reference
    assert "byline: text, required" in reference and "affiliation: text, required" in reference
    # The inherited field is required in the child too.
    (folder / "content" / "piece.yaml").write_text(piece.replace("byline: By Jane Doe\n", ""))
    assert run("check", folder) == 1
    assert "byline: required field is missing" in capsys.readouterr().err


def test_an_extends_chain_that_goes_round_is_a_layout_error(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = op_ed_project(project, piece=OP_ED)
    layout = folder / "layouts" / "op-ed" / "layout.yaml"
    layout.write_text("extends: op-ed\n" + OP_ED_LAYOUT)
    assert run("check", folder) == 4
    assert "'extends' goes round: op-ed" in capsys.readouterr().err


def test_a_schema_mistake_is_named_in_its_layout_file(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = op_ed_project(project, piece=OP_ED)
    layout = folder / "layouts" / "op-ed" / "layout.yaml"
    layout.write_text(OP_ED_LAYOUT.replace("type: markdown", "type: markdwn"))
    assert run("check", folder) == 4
    err = capsys.readouterr().err
    assert f"{layout}: schema: field 'body': type 'markdwn' is not one of text, markdown" in err


def test_json_schema_accepts_every_example_and_flags_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for found in document_types(REPO):
        name = found.schema.name
        assert run("schema", name, "-p", REPO) == 0
        schema = json.loads(capsys.readouterr().out)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        examples = [
            path
            for path in sorted((REPO / "content").glob("*.yaml"))
            if (yaml.safe_load(path.read_text()).get("type") or "issue-brief") == name
        ]
        assert examples, f"no example of {name} in content/"
        for path in examples:
            document = yaml.safe_load(
                path.read_text(),
            )
            # YAML reads dates as dates; the editor sees the text written.
            document = json.loads(json.dumps(document, default=str))
            errors = [e.message for e in validator.iter_errors(document)]
            assert not errors, f"{path.name}: {errors}"
        wrong = {**document, "statuss": "draft"}
        assert any("statuss" in e.message for e in validator.iter_errors(wrong))


def test_new_scaffolds_any_type_with_an_editor_schema_line(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = op_ed_project(project)
    assert run("new", "budget-op-ed", "--type", "op-ed", "-p", folder) == 0
    created = folder / "content" / "budget-op-ed.yaml"
    text = created.read_text()
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/op-ed.json"
    schema = json.loads((folder / "schemas" / "op-ed.json").read_text())
    assert schema["required"] == ["title", "byline", "body"]
    assert "type: op-ed" in text and "title: Budget op ed" in text
    capsys.readouterr()
    assert run("check", folder) == 0
    assert run("new", "another", "--type", "op-eds", "-p", folder) == 6
    assert "no document type 'op-eds' (did you mean 'op-ed'?)" in capsys.readouterr().err
    assert not (folder / "content" / "another.yaml").exists()


def test_every_built_in_type_scaffolds_a_document_that_passes_check(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project()
    names = [found.schema.name for found in document_types(folder)]
    assert "issue-brief" in names
    for name in names:
        assert run("new", f"new-{name}", "--type", name, "-p", folder) == 0
    capsys.readouterr()
    assert run("check", folder) == 0, capsys.readouterr().err


def test_the_readme_documents_every_type_from_its_schema() -> None:
    from pressbrief.content.project import types_markdown

    readme = (REPO / "README.md").read_text()
    start = readme.index("<!-- types: generated by `pressbrief types --markdown`")
    begin = readme.index("\n", start) + 1
    end = readme.index("<!-- types: end -->")
    assert readme[begin:end] == types_markdown(REPO), "run: pressbrief types --markdown"
