"""A document type's `schema:` (from its layout.yaml) → field specs, and field specs →
what is made of them: the model class content is read into (`model_of`), the field
reference (`describe`), a JSON Schema for editors (`json_schema`) and a scaffold (`scaffold`).

A field is written in layout.yaml as `name: {type: KIND, required: …, default: …, doc: …}`.
The kinds: text (plain text printed as prose: typographic quotes and dashes), markdown,
string (printed as written: a phone number, a code), date, datetime (with a time zone),
number, boolean, choice (`choices: [...]`), url, email, link ({title, url}), image ({src,
alt, credit}), contact ({name, title, phone, email}), list (`of:` a kind, or `fields:` for a
list of mappings) and mapping (`fields:`). Optional: `label` (how a report or a reader names
it), `example` (what `new` writes), `max_characters` and `max_words` (a warning above them),
`counted: false` (not part of the text that predicts the fit: a masthead's series line).
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from .model import Document, Image, Link, MediaContact, internal, spec

KINDS = (
    "text",
    "markdown",
    "string",
    "date",
    "datetime",
    "number",
    "boolean",
    "choice",
    "url",
    "email",
    "link",
    "image",
    "contact",
    "list",
    "mapping",
)
_RECORDS: dict[str, type] = {"link": Link, "image": Image, "contact": MediaContact}
_SCALARS: dict[str, Any] = {
    "text": str,
    "markdown": str,
    "string": str,
    "url": str,
    "email": str,
    "date": date,
    "datetime": datetime,
    "number": float,
    "boolean": bool,
}
_EMPTY: dict[str, Any] = {"text": "", "markdown": "", "string": "", "url": "", "email": ""}
_OPTIONS = {
    "type",
    "required",
    "default",
    "doc",
    "of",
    "fields",
    "choices",
    "label",
    "example",
    "max_characters",
    "max_words",
    "counted",
}


class SchemaError(ValueError):
    """A schema that is not well formed (the layout's mistake, reported as a LayoutError)."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a document type, as its schema declares it."""

    name: str
    kind: str
    doc: str
    required: bool = False
    default: Any = None
    of: FieldSpec | None = None
    """A list's items."""
    fields: tuple[FieldSpec, ...] = ()
    """A mapping's fields."""
    choices: tuple[str, ...] = ()
    label: str = ""
    example: Any = None
    max_characters: int | None = None
    max_words: int | None = None
    counted: bool = True

    @property
    def called(self) -> str:
        """How a report names the field: its label, or its name in words."""
        return self.label or self.name.replace("_", " ")


@dataclass(frozen=True)
class Schema:
    """A document type: its name and fields (inherited ones first), and what it says of
    itself in layout.yaml."""

    name: str
    fields: tuple[FieldSpec, ...]
    doc: str = ""
    label: str = ""
    """How a reader names the type ('Press release'); default: from its name."""
    title: str = "{title}"
    """How the document's title is made from its fields (Python format fields)."""
    dek: str = ""
    """The field whose first sentence stands for the document (a kit's contents, an
    email's preheader); default: the first Markdown field."""
    notes: str = ""
    """A list field a duplex kit prints on the notes page after the document."""
    internal: bool = False
    """Internal documents are never emailed to reporters (without `--internal`)."""
    extends: str = ""

    @property
    def called(self) -> str:
        return self.label or self.name.replace("-", " ").capitalize()

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def summary_field(self) -> str:
        if self.dek:
            return self.dek
        return next((f.name for f in self.fields if f.kind == "markdown"), "")


def parse_field(name: str, data: Any) -> FieldSpec:
    """A field spec from its layout.yaml entry (SchemaError if it is not well formed)."""
    if isinstance(data, str):
        data = {"type": data}
    if not isinstance(data, dict):
        raise SchemaError(f"field '{name}': expected a mapping with 'type' and 'doc'")
    unknown = set(data) - _OPTIONS
    if unknown:
        raise SchemaError(f"field '{name}': unknown option(s) {', '.join(sorted(unknown))}")
    kind = str(data.get("type", "text"))
    if kind not in KINDS:
        raise SchemaError(f"field '{name}': type '{kind}' is not one of {', '.join(KINDS)}")
    of = None
    fields: tuple[FieldSpec, ...] = ()
    if kind == "list":
        item = data.get("of", "text")
        if "fields" in data:
            item = {"type": "mapping", "fields": data["fields"]}
        of = parse_field(name, item)
        if of.kind == "list":
            raise SchemaError(f"field '{name}': a list of lists cannot be written clearly")
    elif kind == "mapping":
        if not isinstance(data.get("fields"), dict) or not data["fields"]:
            raise SchemaError(f"field '{name}': a mapping needs 'fields'")
        fields = tuple(parse_field(str(k), v) for k, v in data["fields"].items())
    choices = tuple(str(c) for c in data.get("choices") or ())
    if kind == "choice" and not choices:
        raise SchemaError(f"field '{name}': a choice needs 'choices'")
    default = data.get("default")
    if isinstance(default, list):
        default = tuple(default)
    if default is not None and kind == "choice" and default not in choices:
        raise SchemaError(f"field '{name}': default '{default}' is not one of its choices")
    return FieldSpec(
        name=name,
        kind=kind,
        doc=str(data.get("doc", "")),
        required=bool(data.get("required", False)),
        default=default,
        of=of,
        fields=fields,
        choices=choices,
        label=str(data.get("label", "")),
        example=_frozen(data.get("example")),
        max_characters=_count(data, "max_characters", name),
        max_words=_count(data, "max_words", name),
        counted=bool(data.get("counted", True)),
    )


def _count(data: dict[str, Any], key: str, name: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or value < 1):
        raise SchemaError(f"field '{name}': {key} must be a whole number above 0")
    return value


def _frozen(value: Any) -> Any:
    """A YAML value made hashable (lists → tuples, mappings → tuples of pairs)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((str(k), _frozen(v)) for k, v in value.items())
    return value


def _thawed(value: Any) -> Any:
    if (
        isinstance(value, tuple)
        and value
        and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value)
    ):
        return {k: _thawed(v) for k, v in value}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


# --- the model a document is read into ----------------------------------------------------


def _hint(field: FieldSpec, owner: str) -> Any:
    """The Python type a field's value has (what `content.read` checks against)."""
    if field.kind in _SCALARS:
        return _SCALARS[field.kind]
    if field.kind in _RECORDS:
        return _RECORDS[field.kind]
    if field.kind == "choice":
        return Literal[field.choices]
    if field.kind == "list":
        assert field.of is not None
        return tuple[_hint(field.of, owner), ...]  # type: ignore[misc]
    return _record_of(field, owner)


def _default(field: FieldSpec) -> Any:
    if field.kind == "list":
        return tuple(field.default or ())
    if field.default is not None:
        return field.default
    return _EMPTY.get(field.kind)


def _dataclass_field(field: FieldSpec, owner: str) -> tuple[str, Any, Any]:
    """(name, type, dataclasses.field) of a field in a generated model."""
    hint = _hint(field, owner)
    markdown = field.kind == "markdown" or (field.of is not None and field.of.kind == "markdown")
    prose = field.kind == "text" or (field.of is not None and field.of.kind == "text")
    if field.required:
        made = spec(field.doc, markdown=markdown, prose=prose)
    else:
        default = _default(field)
        if default is None:
            hint = hint | None
        made = spec(field.doc, default, markdown=markdown, prose=prose)
    made.metadata = {**made.metadata, "schema": field}
    return field.name, hint, made


def _rebuild_record(field: FieldSpec, owner: str, values: dict[str, Any]) -> Any:
    return _record_of(field, owner)(**values)


def _rebuild(schema: Schema, values: dict[str, Any]) -> Document:
    return model_of(schema)(**values)


def _values(model: Any) -> dict[str, Any]:
    return {f.name: getattr(model, f.name) for f in dataclasses.fields(model)}


@cache
def _record_of(field: FieldSpec, owner: str) -> type:
    """The class of a mapping field's values (a frozen dataclass, picklable by its spec)."""
    made = dataclasses.make_dataclass(
        _class_name(f"{owner}-{field.name}"),
        [_dataclass_field(f, owner) for f in field.fields],
        frozen=True,
        kw_only=True,
        namespace={
            "__reduce__": lambda self: (_rebuild_record, (field, owner, _values(self))),
            "__doc__": field.doc,
        },
    )
    made.__module__ = __name__
    return made


PRIORITY_DOC = (
    "Priorities of optional sections, e.g. {analysis: low}: with --trim (or fit: trim) a "
    "document that cannot fit drops them, 'low' first, then 'medium'."
)


def priority_field(schema: Schema) -> FieldSpec | None:
    """The `priority:` mapping a type accepts: a choice of 'low' or 'medium' for each of its
    optional sections (fields that are neither required nor printed in the masthead)."""
    optional = [
        f
        for f in schema.fields
        if not f.required and f.counted and f.kind not in ("choice", "boolean")
    ]
    if not optional:
        return None
    return FieldSpec(
        "priority",
        "mapping",
        PRIORITY_DOC,
        fields=tuple(
            FieldSpec(f.name, "choice", f"The priority of {f.called}.", choices=("low", "medium"))
            for f in optional
        ),
    )


@cache
def model_of(schema: Schema) -> type[Document]:
    """The class a document of this type is read into: `Document`'s common fields and the
    type's own. Made once per schema and process; instances pickle by their schema, so a
    worker process makes the same class again."""
    own = list(schema.fields)
    if (priority := priority_field(schema)) is not None:
        own.append(priority)
    fields = [_dataclass_field(f, schema.name) for f in own]
    if schema.field("title") is None:  # a title made from other fields
        fields.append(("title", str, internal("")))
    made = dataclasses.make_dataclass(
        _class_name(schema.name),
        fields,
        bases=(Document,),
        frozen=True,
        kw_only=True,
        namespace={
            "__reduce__": lambda self: (_rebuild, (schema, _values(self))),
            "__doc__": schema.doc or f"A {schema.called.lower()}.",
            "schema": schema,
        },
    )
    made.__module__ = __name__
    return typing.cast(type[Document], made)


def document_schema(document: Document) -> Schema:
    """The schema of a document's type (its class was made from it)."""
    schema = getattr(type(document), "schema", None)
    assert isinstance(schema, Schema), "a document's class is made by model_of"
    return schema


def dek(document: Document) -> str:
    """The text that stands for a document (Markdown): its type's `dek` field."""
    name = document_schema(document).summary_field
    return str(getattr(document, name) or "") if name else ""


def notes(document: Document) -> tuple[str, ...]:
    """What a duplex kit prints on the notes page after a document: its `notes` field."""
    name = document_schema(document).notes
    return tuple(getattr(document, name)) if name else ()


def schema_field(field: dataclasses.Field[Any]) -> FieldSpec | None:
    """The field spec a generated model's field was made from (None for common fields)."""
    value = field.metadata.get("schema")
    return value if isinstance(value, FieldSpec) else None


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


# --- common fields, as the generated models have them ---------------------------------------


def common_fields() -> Iterator[tuple[str, str, str]]:
    """(name, kind, doc) of the fields every document type has."""
    kinds = {"type": "string", "date": "date", "url": "url", "tags": "list of text"}
    kinds |= {"lang": "string", "status": "choice", "embargo": "datetime", "fit": "choice"}
    for field in dataclasses.fields(Document):
        if not field.metadata.get("internal"):
            yield field.name, kinds[field.name], str(field.metadata["doc"])


# --- what is made of a schema: reference, JSON Schema, scaffold ------------------------------


def kind_of(field: FieldSpec) -> str:
    """A field's kind in words: 'list of markdown', 'choice (final, draft)'."""
    if field.kind == "list":
        assert field.of is not None
        inner = "mapping" if field.of.kind == "mapping" else kind_of(field.of)
        return f"list of {inner}"
    if field.kind == "choice":
        return f"choice ({', '.join(field.choices)})"
    return field.kind


def describe(schema: Schema, fmt: Literal["text", "markdown"] = "text") -> str:
    """The reference of a type's fields, as `pressbrief types NAME` prints it (text) or the
    README shows it (markdown)."""
    lines = []
    for field, depth, path in _walk(schema.fields):
        needed = "required" if field.required else _default_words(field)
        if fmt == "markdown":
            lines.append(f"| `{path}` | {kind_of(field)} | {needed} | {field.doc} |")
        else:
            lines.append(f"  {'  ' * depth}{field.name}: {kind_of(field)}, {needed}. {field.doc}")
    if fmt == "markdown":
        head = ["| field | kind | | what it is |", "|---|---|---|---|"]
        return "\n".join(head + lines)
    return "\n".join(lines)


def _default_words(field: FieldSpec) -> str:
    default = _default(field)
    if default in (None, "", ()):
        return "optional"
    return (
        f"default {default!r}"
        if not isinstance(default, bool)
        else f"default {str(default).lower()}"
    )


def _walk(
    fields: tuple[FieldSpec, ...], depth: int = 0, prefix: str = ""
) -> Iterator[tuple[FieldSpec, int, str]]:
    """Each field with its depth and dotted path, the fields inside it after it."""
    for field in fields:
        path = f"{prefix}{field.name}"
        yield field, depth, path
        yield from _walk(_inner(field), depth + 1, f"{path}.")


def _inner(field: FieldSpec) -> tuple[FieldSpec, ...]:
    """The fields inside a field's values: a mapping's, a record's, a list's items'."""
    if field.kind == "list":
        assert field.of is not None
        return _inner(field.of)
    if field.kind in _RECORDS:
        return tuple(_record_spec(_RECORDS[field.kind]))
    return field.fields


def _record_spec(record: type) -> Iterator[FieldSpec]:
    """The fields of a built-in record (link, image, contact) as field specs."""
    for field in dataclasses.fields(record):
        required = field.default is dataclasses.MISSING
        kind = "text" if field.metadata.get("prose") else "string"
        kind = {"url": "url", "email": "email"}.get(field.name, kind)
        default = None if required else field.default
        yield FieldSpec(field.name, kind, str(field.metadata["doc"]), required, default)


def json_schema(schema: Schema) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the type's YAML, for editors (the YAML language
    server): field names, kinds, required fields, choices and docs."""
    properties = {name: _json_common(name, kind, doc) for name, kind, doc in common_fields()}
    properties["type"] = {"description": properties["type"]["description"], "const": schema.name}
    own = list(schema.fields)
    if (priority := priority_field(schema)) is not None:
        own.append(priority)
    properties |= {f.name: _json(f) for f in own}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"pressbrief {schema.name}",
        "description": schema.doc,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in schema.fields if f.required],
        "additionalProperties": False,
    }


_JSON_SCALARS = {
    "text": {"type": "string"},
    "markdown": {"type": "string"},
    "string": {"type": "string"},
    "url": {"type": "string", "pattern": "^(https?:|mailto:)"},
    "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
}


def _json(field: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"description": field.doc} if field.doc else {}
    if field.kind in _JSON_SCALARS:
        out |= _JSON_SCALARS[field.kind]
    elif field.kind == "choice":
        out["enum"] = list(field.choices)
    elif field.kind == "list":
        assert field.of is not None
        item = _json(field.of)
        if field.of.kind == "markdown":  # an item may carry a priority
            item = {
                "anyOf": [item, _json_prioritized()],
                **({"description": field.of.doc} if field.of.doc else {}),
            }
        out |= {"type": "array", "items": item, "minItems": 1}
    else:
        specs = _inner(field)
        out |= {
            "type": "object",
            "properties": {f.name: _json(f) for f in specs},
            "required": [f.name for f in specs if f.required],
            "additionalProperties": False,
        }
    if field.default not in (None, ()) and field.kind != "list":
        out["default"] = field.default
    return out


def _json_prioritized() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"text": {"type": "string"}, "priority": {"enum": ["low", "medium"]}},
        "required": ["text", "priority"],
        "additionalProperties": False,
    }


def _json_common(name: str, kind: str, doc: str) -> dict[str, Any]:
    hint = typing.get_type_hints(Document)[name]
    if typing.get_origin(hint) is Literal:
        return {"description": doc, "enum": list(typing.get_args(hint))}
    if kind == "list of text":
        return {"description": doc, "type": "array", "items": {"type": "string"}}
    return {"description": doc} | _JSON_SCALARS.get(kind, {"type": "string"})


def scaffold(schema: Schema, title: str, today: str) -> str:
    """A new document of this type as YAML: every required field with an example, the
    optional ones too (with their doc as a comment), so `check` passes as it is."""
    lines = []
    for field in schema.fields:
        value: Any
        if field.name == "title" and field.kind == "text":
            value = title
        elif field.kind == "date":
            value = today
        else:
            value = _thawed(field.example) if field.example is not None else _sample(field)
        if value is None:
            continue
        lines.append(f"# {field.doc}" if field.doc else "")
        lines.append(_yaml(field.name, value))
    return "\n".join(line for line in lines if line) + "\n"


def _sample(field: FieldSpec) -> Any:
    """A placeholder value for a field without an example; None leaves an optional one out."""
    if not field.required:
        return None
    samples: dict[str, Any] = {"text": f"The {field.called}", "markdown": f"The {field.called}."}
    samples["string"] = "…"
    samples |= {"url": "https://example.org", "email": "press@example.org", "number": 0}
    samples |= {"boolean": False, "datetime": "2026-01-01T09:00 America/New_York"}
    if field.kind in samples:
        return samples[field.kind]
    if field.kind == "choice":
        return field.choices[0]
    if field.kind == "list":
        assert field.of is not None
        item = _sample(dataclasses.replace(field.of, required=True))
        return [item]
    if field.kind == "mapping":
        return {f.name: _sample(f) for f in field.fields if f.required}
    if field.kind == "link":
        return {"title": "A title", "url": "https://example.org"}
    if field.kind == "contact":
        return {"name": "A name", "phone": "+1 202 555 0100"}
    return None


def _yaml(name: str, value: Any) -> str:
    import yaml  # a scaffold is written once; reading content does not need a dumper

    text: str = yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False, width=88)
    return text.rstrip("\n")


def dumps(data: Any) -> str:
    """JSON text, stable (the same schema gives the same bytes)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
