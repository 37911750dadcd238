"""One `jsna render` is one request: the bundle opened once, each area resolved once, the formats parsed
once (every --format given), and every output written through one staging folder beside the area's."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.core.errors import RenderError
from assessment.geography.model import Geography
from assessment.render import formats as formats_module
from assessment.bundles import bundle as bundle_module

DEMO_COUNTY = "E10999001"
#: Every module a render runs in this process, imported before any is patched (a module imported while
#: patched would keep the counting wrapper after the test).
RENDER_MODULES = ("assessment.cli", "assessment.demo", "assessment.orchestration.batch", "assessment.orchestration.area_renders",
                  "assessment.render.engine", "assessment.render")


def _count_calls(patch: pytest.MonkeyPatch, original, calls: list) -> None:
    """Replace ``original`` (a function) in every module of the package that imported it with a wrapper
    that records each call in ``calls``."""
    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    counted.cache_clear = getattr(original, "cache_clear", None)  # type: ignore[attr-defined]
    for name in RENDER_MODULES:
        importlib.import_module(name)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("assessment") and \
                getattr(module, original.__name__, None) is original:
            patch.setattr(module, original.__name__, counted)


def _report_files(folder: Path) -> dict[str, Path]:
    return {p.suffix: p for p in folder.iterdir() if p.suffix in (".html", ".docx", ".xlsx")}


@pytest.fixture(scope="module")
def one_render(demo_bundle, tmp_path_factory):
    """One real `jsna render` of the demo county, html and Word asked for by two --format options, with the
    bundle's opening, the area's resolution and the formats' parsing counted."""
    out = tmp_path_factory.mktemp("request") / "reports"
    opened: list = []
    resolved: list = []
    parsed: list = []
    with pytest.MonkeyPatch.context() as patch:
        _count_calls(patch, bundle_module.open_bundle, opened)
        _count_calls(patch, formats_module.parse_formats, parsed)
        real_report_area = Geography.report_area
        patch.setattr(Geography, "report_area",
                      lambda self, query: resolved.append(query) or real_report_area(self, query))
        code = main(["render", "--area", DEMO_COUNTY, "--bundle", str(demo_bundle), "--out", str(out),
                     "--engine", "builtin", "--format", "html", "--format", "docx"])
    (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]  # (beside the run's lock file)
    return {"code": code, "out": out, "folder": folder, "opened": opened, "resolved": resolved, "parsed": parsed}


@pytest.mark.slow
def test_repeated_format_options_add_up(one_render):
    assert one_render["code"] == 0
    assert sorted(_report_files(one_render["folder"])) == [".docx", ".html", ".xlsx"]


@pytest.mark.slow
def test_a_render_opens_the_bundle_once_and_resolves_the_area_once(one_render):
    assert one_render["code"] == 0
    assert len(one_render["opened"]) == 1
    assert one_render["resolved"] == [DEMO_COUNTY]


@pytest.mark.slow
def test_a_render_parses_its_formats_once(one_render):
    assert one_render["code"] == 0
    assert [args[0] for args in one_render["parsed"]] == [["html", "docx"]]


@pytest.mark.slow
def test_a_failure_mid_render_leaves_the_earlier_outputs_untouched(one_render, demo_bundle, monkeypatch, capsys):
    """HTML is written, then Word fails half-way: no file of the earlier render is replaced, nothing is left over."""
    folder, out = one_render["folder"], one_render["out"]
    before = {suffix: (path.stat().st_ino, path.read_bytes()) for suffix, path in _report_files(folder).items()}
    targets: list[Path] = []

    def half_written_word(source, target, metadata, **options):
        targets.append(Path(target))
        Path(target).write_bytes(b"PK half a document")
        raise RenderError(f"pandoc could not write {Path(target).name}")

    monkeypatch.setitem(formats_module.FORMATS, "docx",
                        dataclasses.replace(formats_module.FORMATS["docx"], writer=half_written_word))
    code = main(["render", "--area", DEMO_COUNTY, "--bundle", str(demo_bundle), "--out", str(out),
                 "--engine", "builtin", "--format", "html,docx"])
    assert code == 1
    assert "pandoc could not write" in capsys.readouterr().err
    # The Word document was being written in the staging folder beside the area's folder, not in it.
    (target,) = targets
    staging = next(parent for parent in target.parents if parent.parent == out)
    assert staging.name.startswith(f".{folder.name}") and ".partial-" in staging.name
    # Every earlier output is the same file, unchanged (the new HTML and appendix were not moved in).
    after = {suffix: (path.stat().st_ino, path.read_bytes()) for suffix, path in _report_files(folder).items()}
    assert after == before
    assert sorted(p.name for p in out.iterdir()) == [".jsna.lock", folder.name]
