"""The JSON Schema of ``naql trace --json``, derived from the records so the two never drift.

``schema/trace.schema.json`` in the repository is this schema, written out; a test fails when
the records change and the file was not regenerated (``python -m naql.schema > schema/trace.schema.json``)
and validates real output against the file. ``schema_version`` (records.SCHEMA_VERSION) follows
semantic versioning: a new optional field is a minor bump, anything else a major one.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from typing import Any

from naql.records import SCHEMA_VERSION, Trace

DESCRIPTIONS = {
    "Trace": "The result of naql trace: articles read, reused passages, stories with provenance, credits.",
    "Span": "Half-open character range [start, end) into the article's text (add Article.offset for the input).",
    "Article": "An article as read and cleaned; text is a faithful slice of the input with dropped lines blanked.",
    "Passage": "A reused passage: a_span in article a corresponds to b_span in article b.",
    "Alignment": "All passages shared by one pair of articles, and each side's share of reused words.",
    "Story": "Articles reporting one event, with the transmission graph, origin and independent-source count.",
    "Edge": "source -> target: the target took text from the source; signals are the evidence.",
    "Signal": "One piece of evidence for an edge's direction (positive weight supports it).",
    "KeptApart": "Another story sharing text or a strong link with this one, kept apart as another event, and why.",
    "HiddenSource": "A text not in the pile that must exist (shared passages nobody in the pile explains).",
    "Verdict": "Per article: derivation class (METER), reused share, sources, added material, credits.",
    "SourceShare": "A source of an article and the share of the article's words taken from it.",
    "Attribution": "An outlet named in an article, its role (source, photo, self, mention) and the cue.",
    "Drop": "A stretch that cleaning set aside, and why.",
    "Problem": "An input that could not be (fully) used, and why.",
}


def _type_schema(annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_type_schema(arg, definitions) for arg in args]}
    if annotation is type(None):
        return {"type": "null"}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], definitions)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], definitions)}
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        _define(annotation, definitions)
        return {"$ref": f"#/$defs/{annotation.__name__}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if annotation in simple:
        return {"type": simple[annotation]}
    return {}  # Any


def _define(cls: type, definitions: dict[str, Any]) -> None:
    name = cls.__name__
    if name in definitions:
        return
    definitions[name] = {}  # placeholder against recursion
    hints = typing.get_type_hints(cls)
    properties = {
        field.name: _type_schema(hints[field.name], definitions)
        for field in dataclasses.fields(cls)
    }
    definitions[name] = {
        "type": "object",
        "description": DESCRIPTIONS.get(name, ""),
        "properties": properties,
        "required": [field.name for field in dataclasses.fields(cls)],
        "additionalProperties": False,
    }


def trace_schema() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    _define(Trace, definitions)
    root = dict(definitions.pop("Trace"))
    root["properties"] = dict(root["properties"])
    root["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    major = SCHEMA_VERSION.split(".")[0]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://naql.invalid/schema/trace-{major}.schema.json",
        "title": f"naql trace output, schema version {SCHEMA_VERSION}",
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


if __name__ == "__main__":
    json.dump(trace_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
