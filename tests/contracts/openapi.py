"""Validate response bodies against the copied FingertipsNext OpenAPI definition (jsonschema).

The definition is read as published: the split files (``swagger.yaml`` and the
files it references with relative ``$ref``) and the bundled ``fingertipsAPI.yaml``.
A body is checked against both, so the copy cannot drift from itself either.
OpenAPI 3.0 schema objects are JSON Schema draft 4 plus annotations (``example``,
``x-enum-varnames``), which the validator ignores.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

ROOT = Path(__file__).parent / "fingertipsnext"
DEFINITIONS = ("swagger.yaml", "fingertipsAPI.yaml")


@lru_cache(maxsize=None)
def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _retrieve(uri: str) -> Resource:
    return Resource.from_contents(_load(Path(unquote(urlparse(uri).path))), default_specification=DRAFT4)


REGISTRY = Registry(retrieve=_retrieve)


def _pointer(parts: list[str]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _walk(document, pointer: str):
    node = document
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]:
        node = node[part]
    return node


def _follow(node, path: Path, pointer: str):
    """Follow ``$ref`` chains to the node itself: (node, its file, its JSON pointer)."""
    while isinstance(node, dict) and "$ref" in node:
        target, _, fragment = node["$ref"].partition("#")
        path = (path.parent / target).resolve() if target else path
        pointer = fragment
        node = _walk(_load(path), fragment)
    return node, path, pointer


def _template(paths: dict, actual: str) -> str:
    for template in sorted(paths, key=lambda t: t.count("{")):  # literal paths before templated ones
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        if re.fullmatch(pattern, actual):
            return template
    raise KeyError(f"{actual}: no path of the API definition matches")


def response_problems(actual_path: str, status: int, body: bytes | str, definition: str = "swagger.yaml") -> list[str]:
    """Every way ``body`` breaks the definition's schema for this path and status, as 'field: problem'."""
    import json

    root = ROOT / definition
    spec = _load(root)
    template = _template(spec["paths"], actual_path)
    item, path, pointer = _follow(spec["paths"][template], root, _pointer(["paths", template]))
    responses = item["get"]["responses"]
    response, path, pointer = _follow(responses[str(status)], path, pointer + _pointer(["get", "responses", str(status)]))
    if "content" not in response:
        return []
    schema_pointer = pointer + _pointer(["content", "application/json", "schema"])
    validator = Draft4Validator({"$ref": f"{path.as_uri()}#{schema_pointer}"}, registry=REGISTRY)
    document = json.loads(body)
    return [f"{definition} {template} {status}: {error.json_path}: {error.message}"
            for error in sorted(validator.iter_errors(document), key=lambda e: e.json_path)]


def all_problems(actual_path: str, status: int, body) -> list[str]:
    """Problems against both forms of the definition (split and bundled)."""
    return [p for definition in DEFINITIONS for p in response_problems(actual_path, status, body, definition)]


def parameter_limit(name: str, definition: str = "fingertipsAPI.yaml") -> int:
    """A query parameter's ``maxItems`` in the definition (area_codes: 300, years: 20)."""
    return int(_load(ROOT / definition)["components"]["parameters"][name]["schema"]["maxItems"])
