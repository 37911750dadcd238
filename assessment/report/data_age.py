"""Old figures beside new ones: the summary's warning, with where newer figures are published.

A report can mix a 2019 recorded crime table with 2025/26 homelessness
figures under one snapshot date. The summary lists every figure for the area
whose period ended more than ``older_than_years`` (``data_sources/data_age.yaml``)
years before the newest period the report shows, grouped by publisher release,
and says where the publisher releases newer figures: a release page that
``jsna fetch`` reads for the newest file (``release`` in ``data_sources/publishers.yaml``;
named in readers' words, never as a command),
or, for a file without one, the page to check.

"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..core.paths import DATA_SOURCES_DIR
from ..core.registry_fields import read_registry
from ..registry.all_registries import registries
from ..sources.ons_population import INDICATOR_ID as POPULATION_ID
from ..core.safe_text import md
from .context import ReportContext
from .missing import FINGERTIPS_SITE

RULES_PATH = DATA_SOURCES_DIR / "data_age.yaml"


def older_than_years() -> float:
    """The age gap, in years, beyond which a figure is flagged (``data_sources/data_age.yaml``)."""
    return read_rule(RULES_PATH)


@lru_cache(maxsize=4)
def read_rule(path: Path) -> float:
    """``older_than_years`` of a data-age registry file, checked (one line naming the file if not)."""
    raw = read_registry(path, "data-age rule") or {}
    try:
        value = raw.get("older_than_years")
    except AttributeError as exc:  # a list or a text, not a table of settings
        raise InputError(f"{path}: unreadable data-age rule ({' '.join(str(exc).split())})") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise InputError(f"{path}: older_than_years must be a positive number of years, not {value!r}")
    return float(value)


def report_rows(report: ReportContext) -> pd.DataFrame:
    """The area's latest row of every indicator a report section shows (not its population)."""
    data = report.data
    rows = data.latest_with_upper_tier()
    if rows.empty:
        return rows
    topics = {s.key for s in data.sections()}
    keep = rows["indicator_id"].map(data.section_of).isin(topics) & (rows["indicator_id"] != POPULATION_ID)
    return rows[keep & rows["period_end"].notna()]


def newer_release(indicator_id: str, shown_ids: set[str]) -> str:
    """Where the publisher of an indicator releases newer figures, as a clause ("" if the registry does not say);
    ``shown_ids``: the indicators the report shows, so a newer edition already among them is not sent for."""
    entry = next((e for e in registries().catalogue.entries if e.frame_id == str(indicator_id)), None)
    if entry is None:
        return ""
    if entry.source == "fingertips":
        return f"Fingertips updates it at {FINGERTIPS_SITE}, where a new fetch gets the newest"
    publishers = registries().publishers
    spec = publishers.get(entry.source) or {}
    page = spec.get("publisher_page") or ""
    newer_key = spec.get("newer_edition") or ""
    newer = publishers.get(newer_key)
    if newer:
        newer_ids = {e.frame_id for e in registries().catalogue.entries if e.source == newer_key}
        if newer_ids & shown_ids:  # IMD 2025 beside IMD 2019: the newer edition is already here
            return "the newer edition is also in this report"
        return f"a newer edition is published at {newer.get('publisher_page', '')}"
    if spec.get("release") and not spec.get("import_only"):
        return f"a new fetch takes the publisher's newest release from {page}"
    return f"check {page} for a newer release" if page else ""


def old_figures(report: ReportContext) -> str:
    """The summary's warning on figures much older than the newest in the report ("" when none are)."""
    rows = report_rows(report)
    if rows.empty:
        return ""
    limit = older_than_years()
    newest = rows["period_end"].max()
    # Calendar months, so that a period ending three years to the day before the newest is not "more than" three.
    cutoff = newest - pd.DateOffset(months=round(limit * 12))
    old = rows[rows["period_end"] < cutoff]
    if old.empty:
        return ""
    shown = set(rows["indicator_id"].astype(str))
    lines = []
    for (source, vintage), group in old.groupby(["source", "vintage"], sort=False):
        names = "; ".join(md(n) for n in dict.fromkeys(group["indicator_name"]))
        periods = ", ".join(md(p) for p in dict.fromkeys(group["period"]))
        where = newer_release(group["indicator_id"].iloc[0], shown)
        lines.append(f"- **{periods}:** {names} ({md(source)}, {md(vintage)})."
                     + (f" {md(where[0].upper() + where[1:])}." if where else ""))
    return (f"**Old figures.** The newest figures in this report are for a period ending {newest:%B %Y}. These are more "
            f"than {limit:g} years older, so they may no longer describe {md(report.data.display_name())}:\n\n"
            + "\n".join(lines) + "\n")
