"""Make pandoc's HTML page self-contained here, not with pandoc's ``--embed-resources``.

``--embed-resources`` has pandoc parse and write the whole page a second time
(a tenth to most of a CPU second a report, more than writing the HTML). The page
pandoc writes without it refers to local files of two kinds only: the charts
(``media/*.png``, see :func:`assessment.render.outputs.localise_images`) and the
stylesheet given with ``--css``. :func:`inline_resources` puts those into the
page as pandoc would (an image as a ``data:`` URI, with ``role="img"`` and its
alt text as ``aria-label``; a stylesheet as a ``<style>`` element), so a reader
sees and hears the same page. A page that refers to anything else local (a
script, an image of another type, a stylesheet that loads other files) is left
to pandoc: :func:`inline_resources` returns None.

>>> page = '<link rel="stylesheet" href="s.css" />\\n<img src="a.png"\\nalt="Bars &amp; more" />'
>>> inline_resources(page, {"s.css": b"p { color: red; }", "a.png": b"PNG"}.get)
'<style type="text/css">\\np { color: red; }\\n</style>\\n<img role="img" aria-label="Bars &amp; more" src="data:image/png;base64,UE5H" alt="Bars &amp; more" />'
>>> inline_resources('<script src="x.js"></script>', {}.get) is None
True
>>> inline_resources('<img src="a.png" /><video src="v.mp4"></video>', {"a.png": b"PNG"}.get) is None
True
>>> inline_resources('<img src="https://example.org/a.png" />', {}.get)
'<img src="https://example.org/a.png" />'
>>> inline_resources('<img src="a.png" hidden />', {"a.png": b"PNG"}.get) is None
True
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from pathlib import Path

#: Image types pandoc writes as ``data:`` URIs, by suffix.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml"}

_IMG = re.compile(r"<img\b(?P<attrs>[^>]*?)\s*/?>", re.IGNORECASE)
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]*)"\s*/?>')
_ATTR = re.compile(r'(?P<name>[\w:-]+)="(?P<value>[^"]*)"')
#: Anything else that loads a file: a src (script, video, iframe...), a link's href, or CSS that fetches files.
_OTHER_LOADS = re.compile(r"""<[a-z]+\b[^>]*\bsrc\s*=\s*(?!["']?(?:data:|https?:|//))"""
                          r"""|<link\b[^>]*\bhref\s*=\s*(?!["']?(?:https?:|//))""", re.IGNORECASE)
_CSS_LOADS = re.compile(r"url\(|@import|</style", re.IGNORECASE)

Reader = Callable[[str], "bytes | None"]


def is_remote(target: str) -> bool:
    """Whether ``target`` is not a local file (a web address or already a data URI).

    >>> is_remote("media/a.png"), is_remote("https://x.org/a.png"), is_remote("data:image/png;base64,")
    (False, True, True)
    """
    return target.startswith(("http:", "https:", "data:", "//"))


def _inline_image(match: re.Match, read: Reader) -> str | None:
    """The ``<img>`` tag of ``match`` with its local picture as a data URI; None when it cannot be."""
    if _ATTR.sub("", match["attrs"]).strip():  # an attribute not written name="value": pandoc's to keep
        return None
    attrs = {m["name"].lower(): m["value"] for m in _ATTR.finditer(match["attrs"])}
    src = attrs.get("src", "")
    if not src or is_remote(src):
        return match.group(0)
    mime = IMAGE_TYPES.get(Path(html.unescape(src)).suffix.lower())
    data = read(html.unescape(src)) if mime else None
    if data is None:
        return None
    attrs["src"] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    if attrs.get("alt") and "role" not in attrs:  # announced as one image with its alt text, as pandoc does
        attrs = {"role": "img", "aria-label": attrs["alt"], **attrs}
    return "<img " + " ".join(f'{name}="{value}"' for name, value in attrs.items()) + " />"


def _inline_stylesheet(match: re.Match, read: Reader) -> str | None:
    """A ``<style>`` element with the stylesheet of ``match``; None when it loads other files or is missing."""
    href = html.unescape(match["href"])
    if is_remote(href):
        return match.group(0)
    data = read(href)
    css = data.decode("utf-8") if data is not None else None
    if css is None or _CSS_LOADS.search(css):
        return None
    return f'<style type="text/css">\n{css.strip()}\n</style>'


def _replace_all(pattern: re.Pattern, text: str, inline) -> str | None:
    """``text`` with every match of ``pattern`` replaced by ``inline(match)``; None if any gives None."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        replacement = inline(match)
        if replacement is None:
            return None
        parts += [text[last:match.start()], replacement]
        last = match.end()
    return "".join(parts) + text[last:]


#: A start tag that pandoc's line wrapping broke between its attributes.
_BROKEN_TAG = re.compile(r"<[A-Za-z][^<>]*\n[^<>]*>")


def one_line_tags(page: str) -> str:
    r"""``page`` with every start tag on one line, as ``--embed-resources`` writes them (pandoc's wrapping
    may break a tag between attributes: ``<a`` at a line's end, ``href=...`` on the next).

    >>> one_line_tags('<p>See <a\nhref="https://example.org/plan">the plan</a>\nand more</p>')
    '<p>See <a href="https://example.org/plan">the plan</a>\nand more</p>'
    """
    return _BROKEN_TAG.sub(lambda match: re.sub(r"\s*\n\s*", " ", match.group(0)), page)


def inline_resources(page: str, read: Reader) -> str | None:
    """``page`` with its local images and stylesheets inlined (see the module docstring) and its tags on one
    line each, or None when it loads other local files. ``read(path)`` gives a file's bytes (None when there
    is no such file)."""
    page = one_line_tags(page)
    styled = _replace_all(_STYLESHEET, page, lambda m: _inline_stylesheet(m, read))
    # Other loads are looked for before the images are inlined, outside the image tags (each of which is
    # inlined or refused): a search of the inlined page ran through every chart's data as well.
    if styled is None or _OTHER_LOADS.search(_IMG.sub("", styled)):
        return None
    return _replace_all(_IMG, styled, lambda m: _inline_image(m, read))


def file_reader(folder: Path) -> Reader:
    """A :data:`Reader` of files relative to ``folder`` (absolute paths as they are)."""
    def read(path: str) -> bytes | None:
        target = Path(folder) / path
        return target.read_bytes() if target.is_file() else None
    return read
