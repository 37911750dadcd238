"""Validate response bodies against the copied FingertipsNext OpenAPI definition (jsonschema).

The definition is read as published: the split files (``swagger.yaml`` and the
files it references with relative ``$ref``) and the bundled ``fingertipsAPI.yaml``.
A body is checked against both, so the copy cannot drift from itself either.
OpenAPI 3.0 schema objects are JSON Schema draft 4 plus annotations (``example``,
``x-enum-varnames``), which the validator ignores.

The definition is a check, not the last word: where DHSC's server answers otherwise
(its recorded answers in ``../shared/data/fingertipsnext/``, its controllers at the
definition's commit), :func:`all_problems` holds to the server: what it is recorded
doing is allowed (:data:`SERVER_BEHAVIOUR`), what it always does is required
(:data:`SERVER_REQUIRES`), and the paths no controller serves answer 404 (:data:`UNSERVED`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

ROOT = Path(__file__).parent / "fingertipsnext"
DEFINITIONS = ("swagger.yaml", "fingertipsAPI.yaml")
#: Definition problems the server is recorded producing, each with the answer that shows it.
SERVER_BEHAVIOUR = {
    r"\$\.areaHealthData\[\d+\]\.indicatorSegments\[\d+\]\.healthData\[\d+\]\.benchmarkComparison: "
    r"None is not of type 'object'":
        "null on every Persons point of GET /indicators/41101/data?area_codes=E12000007&inequalities=sex "
        "(test-indicators-benchmark-rag-sex_expected-response.json)",
}
#: Fields the definition leaves optional that the server always sends (C# ``required`` members).
SERVER_REQUIRES = {"datePeriod": "HealthDataPoint.DatePeriod is required; every recorded point has one"}
#: Paths of the definition that no controller serves at its commit: the server answers 404.
UNSERVED = ("/indicators", "/indicators/{indicator_id}")


@cache
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

    template, schema = _response_schema(actual_path, status, definition)
    if schema is None:
        return []
    return [f"{definition} {template} {status}: {where}: {message}"
            for where, message in _errors(_validator(*schema), json.loads(body))]


def _errors(validator: Draft4Validator, document) -> list[tuple[str, str]]:
    """(JSON path, message) of every way ``document`` breaks the validator's schema, by path."""
    return [(error.json_path, error.message)
            for error in sorted(validator.iter_errors(document), key=lambda e: e.json_path)]


def _response_schema(actual_path: str, status: int, definition: str) -> tuple[str, tuple[Path, str] | None]:
    """The definition's path template for ``actual_path``, and where the schema of its answer is (None: no body)."""
    root = ROOT / definition
    spec = _load(root)
    template = _template(spec["paths"], actual_path)
    item, path, pointer = _follow(spec["paths"][template], root, _pointer(["paths", template]))
    responses = item["get"]["responses"]
    response, path, pointer = _follow(responses[str(status)], path, pointer + _pointer(["get", "responses", str(status)]))
    if "content" not in response:
        return template, None
    return template, (path, pointer + _pointer(["content", "application/json", "schema"]))


@cache
def _schema_text(path: Path, pointer: str) -> str:
    """The schema at ``path#pointer``, its references inlined, as canonical JSON (to compare two schemas)."""
    import json

    return json.dumps(_validator(path, pointer).schema, sort_keys=True, default=str)


@cache
def _validator(path: Path, pointer: str) -> Draft4Validator:
    """The validator of the schema at ``path#pointer``, its ``$ref`` chains inlined once.

    jsonschema resolves a ``$ref`` again at every node it checks; a national replay checks
    thousands of points, so the references are followed here, once per schema. A reference
    back into a schema being inlined (a recursive schema) is left for the registry to follow.
    """
    return Draft4Validator(_inlined({"$ref": f"{path.as_uri()}#{pointer}"}, path, ()), registry=REGISTRY)


def _inlined(node, path: Path, within: tuple[str, ...]):
    """``node`` (in the file ``path``) with every ``$ref`` replaced by what it points to.

    In draft 4 a ``$ref`` replaces its whole object (keywords beside it are ignored), and so does this.
    """
    if isinstance(node, list):
        return [_inlined(item, path, within) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target, _, fragment = node["$ref"].partition("#")
        where = Path(unquote(urlparse(target).path)) if target.startswith("file:") else \
            (path.parent / target).resolve() if target else path
        uri = f"{where.as_uri()}#{fragment}"
        if uri in within:
            return {"$ref": uri}
        return _inlined(_walk(_load(where), fragment), where, (*within, uri))
    return {key: _inlined(value, path, within) for key, value in node.items()}


def definition_problems(actual_path: str, status: int, body) -> list[str]:
    """Problems against both forms of the definition (split and bundled), as written.

    Where both forms give this answer the same schema once their references are
    inlined (compared once per schema), a body is checked once and what it breaks
    is said of each form: the same schema finds the same problems. Where the
    forms drift apart, the body is checked against each.
    """
    import json

    checked = [(definition, *_response_schema(actual_path, status, definition)) for definition in DEFINITIONS]
    if len({schema and _schema_text(*schema) for _, _, schema in checked}) > 1:
        return [p for definition in DEFINITIONS for p in response_problems(actual_path, status, body, definition)]
    schema = checked[0][2]
    errors = [] if schema is None else _errors(_validator(*schema), json.loads(body))
    return [f"{definition} {template} {status}: {where}: {message}"
            for definition, template, _ in checked for where, message in errors]


def _missing(document, field: str) -> list[str]:
    """``$.…healthData[k]: 'field' is missing`` for every health data point without ``field``."""
    out = []
    areas = document.get("areaHealthData") if isinstance(document, dict) else None
    for i, area in enumerate(areas if isinstance(areas, list) else []):
        for j, segment in enumerate((area or {}).get("indicatorSegments") or []):
            for k, point in enumerate((segment or {}).get("healthData") or []):
                if isinstance(point, dict) and field not in point:
                    out.append(f"$.areaHealthData[{i}].indicatorSegments[{j}].healthData[{k}]")
    return out


def all_problems(actual_path: str, status: int, body) -> list[str]:
    """Problems against the definition as the server answers it (see the module docstring)."""
    import json

    template = _template(_load(ROOT / DEFINITIONS[0])["paths"], actual_path)
    if template in UNSERVED:
        return [] if status == 404 else [f"server {template} {status}: no controller serves this path (404)"]
    allowed = [re.compile(pattern) for pattern in SERVER_BEHAVIOUR]
    problems = [p for p in definition_problems(actual_path, status, body)
                if not any(rule.search(p.split(": ", 1)[1]) for rule in allowed)]
    if status == 200 and template.endswith("/data"):
        document = json.loads(body)
        problems += [f"server {template} 200: {where}: '{field}' is missing ({why})"
                     for field, why in SERVER_REQUIRES.items() for where in _missing(document, field)]
    return problems


def parameter_limit(name: str, definition: str = "fingertipsAPI.yaml") -> int:
    """A query parameter's ``maxItems`` in the definition (area_codes: 300, years: 20)."""
    return int(_load(ROOT / definition)["components"]["parameters"][name]["schema"]["maxItems"])
