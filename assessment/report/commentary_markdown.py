"""A user's commentary Markdown made safe to print into a report, as a marked "Local commentary" block.

Commentary is the one place a report prints text its authors wrote as
Markdown, so emphasis, lists, tables and links keep working; everything that
could act as code is taken out. Pandoc reads the text with every extension
that reads markup into something live switched off (raw HTML, raw TeX, raw
``{=format}`` blocks, attributes, divs and spans, maths, citations, notes), so
``<script>`` is read as the literal text. The tree is then cleaned: raw
blocks and inlines are dropped, headings become bold paragraphs (they would
break the report's outline), images become their alt text (a path or URL
would be read or fetched at render time), and a link whose target is not
``https:``, ``http:`` or ``mailto:`` keeps only its text. Pandoc writes the
tree back as Markdown, and that Markdown is read again, exactly as the report
reads it, and checked; anything live found there (a writer that did not
escape something) means the text is printed fully escaped instead
(:func:`assessment.core.safe_text.md`), never live.

>>> print(commentary_block("Our *priority* is <b>housing</b>."))
::: local-commentary
> **Local commentary** (written locally, not generated from the data)
>
> Our *priority* is \\<b\\>housing\\</b\\>.
:::
<BLANKLINE>
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlsplit

import pypandoc

from ..core.safe_text import md

#: Pandoc markdown with every extension that could read text as raw markup, attributes or maths off.
READER = "markdown" + "".join(f"-{ext}" for ext in (
    "raw_html", "raw_tex", "raw_attribute", "markdown_in_html_blocks", "native_divs", "native_spans",
    "fenced_divs", "bracketed_spans", "link_attributes", "header_attributes", "fenced_code_attributes",
    "inline_code_attributes", "tex_math_dollars", "yaml_metadata_block", "footnotes", "inline_notes",
    "citations", "implicit_figures"))
#: How the report itself reads the markdown cells print (the built-in engine's ``--from``).
REPORT_READER = "markdown"
SAFE_SCHEMES = {"https", "http", "mailto"}
LABEL = "**Local commentary** (written locally, not generated from the data)"
CLASS = "local-commentary"
#: Elements replaced by their content when cleaning: type -> index of the content kept.
_UNWRAP = {"Span": 1, "Div": 1, "Figure": 2, "Cite": 1}
#: Elements that never reach the report from commentary (checked in the markdown as the report reads it).
_NEVER_LIVE = {"RawBlock", "RawInline", "Image", "Note", "Cite", "Math", "Header", "Figure", "Span", "Div"}


def safe_link(url: str) -> bool:
    """Whether a link may stay a link: https, http or mailto only (never ``javascript:`` or ``data:``).

    >>> [safe_link(u) for u in ("https://gov.uk", " JavaScript:alert(1)", "data:text/html,x", "#top")]
    [True, False, False, False]
    """
    if any(ord(c) < 32 for c in url):
        return False
    return urlsplit(url.strip()).scheme.lower() in SAFE_SCHEMES


def _no_attributes() -> list:
    return ["", [], []]


def _clean(node):
    """A cleaned copy of a pandoc JSON node or list of nodes (lists may grow or shrink)."""
    if isinstance(node, list):
        cleaned = []
        for item in node:
            cleaned.extend(_clean_item(item) if isinstance(item, dict) and "t" in item else [_clean(item)])
        return cleaned
    if isinstance(node, dict):
        return {key: _clean(value) for key, value in node.items()}
    return node


def _clean_item(item: dict) -> list:
    """One element's replacement: usually itself cleaned, sometimes its content, or nothing."""
    kind, content = item["t"], cast(Any, item.get("c"))  # content: pandoc JSON, its shape set by the kind
    if kind in ("RawBlock", "RawInline", "Note"):
        return []
    if kind in _UNWRAP:
        return _clean(content[_UNWRAP[kind]])
    if kind == "Image":
        return _clean(content[1])
    if kind == "Math":
        return [{"t": "Str", "c": content[1]}]
    if kind == "Header":
        return [{"t": "Para", "c": [{"t": "Strong", "c": _clean(content[2])}]}]
    if kind == "Link":
        if not safe_link(content[2][0]):
            return _clean(content[1])
        return [{"t": "Link", "c": [_no_attributes(), _clean(content[1]), content[2]]}]
    if kind in ("Code", "CodeBlock"):
        return [{"t": kind, "c": [_no_attributes(), content[1]]}]
    cleaned = {"t": kind, **({"c": _clean(content)} if "c" in item else {})}
    return [cleaned]


def _live_parts(node, found: list[str]) -> list[str]:
    """The names of anything live in a pandoc JSON tree of a wrapped commentary block."""
    if isinstance(node, list):
        for item in node:
            _live_parts(item, found)
    elif isinstance(node, dict):
        kind, content = node.get("t"), cast(Any, node.get("c"))  # pandoc JSON, its shape set by the kind
        if kind in _NEVER_LIVE:
            found.append(kind)
        elif kind == "Link" and (not safe_link(content[2][0]) or content[0][0] or content[0][2]
                                 or set(content[0][1]) - {"uri", "email"}):
            found.append("Link")
        elif kind in ("Code", "CodeBlock", "Table") and content[0] != _no_attributes():
            found.append(kind)
        for value in node.values():
            _live_parts(value, found)
    return found


def _pandoc(text: str, to: str, source: str) -> str:
    return pypandoc.convert_text(text, to, format=source, extra_args=["--wrap=none"])


def _wrapped(body: str) -> str:
    """``body`` (block markdown) as the marked block: a div holding a block quote that starts with the label."""
    lines = [LABEL, "", *body.strip("\n").split("\n")]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"::: {CLASS}\n{quoted}\n:::\n"


def _escaped(text: str) -> str:
    """Every paragraph of ``text`` as literal text (the fallback when cleaned markdown would not be safe)."""
    paragraphs = [md(p) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs)


def is_safe_block(markdown: str) -> bool:
    """Whether ``markdown``, read as the report reads it, is one commentary div and nothing live inside it."""
    tree = json.loads(_pandoc(markdown, "json", REPORT_READER))["blocks"]
    if len(tree) != 1 or tree[0]["t"] != "Div" or tree[0]["c"][0] != ["", [CLASS], []]:
        return False
    if "{{<" in markdown:  # a Quarto shortcode ({{< env ... >}}) is read before pandoc sees the text
        return False
    return not _live_parts(tree[0]["c"][1], [])


@lru_cache(maxsize=256)
def commentary_block(text: str) -> str:
    """The "Local commentary" block for ``text`` (Markdown), or "" when ``text`` is blank."""
    if not text.strip():
        return ""
    tree = json.loads(_pandoc(text, "json", READER))
    tree["blocks"] = _clean(tree["blocks"])
    tree["meta"] = {}
    block = _wrapped(_pandoc(json.dumps(tree), "markdown", "json"))
    return block if is_safe_block(block) else _wrapped(_escaped(text))
