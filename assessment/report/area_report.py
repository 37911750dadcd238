"""What a template cell asks for: one area's report, as markdown, figures and tables.

Template cells stay a few lines long because everything they print comes from
an :class:`AreaReport`: it reads a built bundle (never a loader), picks the
area's rows, and turns them into escaped markdown, figures with alt text, and
the list of every figure for the Excel appendix.

>>> AreaReport.HEADLINE_SEX
'Persons'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ..narrative import sentence
from ..paths import DATA_SOURCES_DIR, for_document
from ..text import format_value, md, thousands
from .bundle import Bundle, open_bundle
from .tables import pipe_table

AREA_KIND = {
    "england": "country",
    "region": "region",
    "utla": "county council",
    "lad": "local authority district",
    "csp": "community safety partnership",
    "pfa": "police force area",
}


@lru_cache(maxsize=1)
def _load_sections() -> list[dict]:
    with open(DATA_SOURCES_DIR / "report_sections.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["sections"]


@lru_cache(maxsize=1)
def _load_upload_kinds() -> tuple[dict, ...]:
    folder = DATA_SOURCES_DIR / "uploads"
    kinds = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle) or {}
        spec.setdefault("kind", path.stem)
        kinds.append(spec)
    return tuple(kinds)


@dataclass
class AreaReport:
    """One area's report over an opened :class:`~assessment.report.bundle.Bundle`."""

    bundle: Bundle
    area: object  # assessment.geography.Area
    figure_dir: Path
    appendix_rows: list[dict] = field(default_factory=list)

    HEADLINE_SEX = "Persons"

    @classmethod
    def open(cls, bundle_path: str | Path, area_query: str, figure_dir: str | Path | None = None) -> AreaReport:
        """Open ``bundle_path`` and resolve ``area_query`` (a code or a name)."""
        bundle = open_bundle(bundle_path)
        area = bundle.geography.resolve(area_query)
        folder = Path(figure_dir or os.environ.get("JSNA_FIGURE_DIR") or Path("figures") / area.code)
        folder.mkdir(parents=True, exist_ok=True)
        return cls(bundle=bundle, area=area, figure_dir=folder)

    # ----------------------------------------------------------------- data
    @classmethod
    def prepare(cls, bundle: Bundle) -> None:
        """Work out the per-bundle tables every report uses, then let the full frame go.

        For a process that renders many reports (a batch kernel): reports read
        only the headline rows, so the full frame (every breakdown) is dropped
        from memory; anything that asks for it again reads it back from the
        bundle's parquet file.
        """
        report = cls(bundle=bundle, area=None, figure_dir=Path("."))
        report.headline
        report.indicator_rows("")
        report.latest("E92000001")
        bundle.__dict__.pop("frame", None)
        import gc

        import pyarrow

        gc.collect()
        pyarrow.default_memory_pool().release_unused()  # hand the frame's Arrow buffers back to the system

    @property
    def geography(self):
        return self.bundle.geography

    @cached_property
    def kind(self) -> str:
        if self.area.area_type == "lad" and getattr(self.area, "is_upper_tier", False):
            return "unitary authority"
        return AREA_KIND.get(self.area.area_type, self.area.area_type)

    def indicator_info(self, indicator_id: str) -> dict:
        return self.bundle.meta.get("indicators", {}).get(str(indicator_id), {})

    @property
    def headline(self) -> pd.DataFrame:
        """Every area's headline rows: main series, persons (or the only sex), all its periods.

        Worked out once per bundle (not per report), so a batch pays for it once.
        Text columns are plain Python strings rather than Arrow-backed ones:
        a report filters this frame a few hundred times, and selecting rows
        from object columns costs a fraction of an Arrow ``take`` (categorical
        columns save memory but were slower again in a national batch).
        """
        cache = self.bundle.__dict__
        if "_headline" not in cache:
            frame = self.bundle.frame
            main = frame[frame["category_type"] == ""]
            persons = main[main["sex"] == self.HEADLINE_SEX]
            others = main[~main["indicator_id"].isin(persons["indicator_id"])]
            # Indicators published for one sex only (e.g. a male-only measure) keep that sex.
            first_sex = others.groupby("indicator_id")["sex"].transform("first")
            headline = pd.concat([persons, others[others["sex"] == first_sex]], ignore_index=True)
            text = [c for c in headline.columns if pd.api.types.is_string_dtype(headline[c])]
            cache["_headline"] = headline.astype(dict.fromkeys(text, object))
        return cache["_headline"]

    def indicator_rows(self, indicator_id: str) -> pd.DataFrame:
        """Every area's headline rows of one indicator (from a per-bundle index)."""
        cache = self.bundle.__dict__
        if "_by_indicator" not in cache:
            cache["_by_indicator"] = dict(tuple(self.headline.groupby("indicator_id", sort=False)))
        return cache["_by_indicator"].get(indicator_id, self.headline.iloc[0:0])

    def latest(self, area_code: str | None = None) -> pd.DataFrame:
        """The latest period of each indicator for an area (this area by default)."""
        cache = self.bundle.__dict__
        if "_latest" not in cache:
            rows = self.headline.sort_values(["area_code", "indicator_id", "period_end", "period"])
            rows = rows.groupby(["area_code", "indicator_id"], as_index=False).tail(1)
            cache["_latest"] = {code: group.reset_index(drop=True) for code, group in rows.groupby("area_code")}
        found = cache["_latest"].get(area_code or self.area.code)
        return found.copy() if found is not None else self.headline.iloc[0:0]

    def _section_of(self, indicator_id: str) -> str:
        return self.indicator_info(indicator_id).get("section", "other")

    def _record(self, row: pd.Series, used_in: str) -> None:
        """Remember a figure the report shows, for the Excel appendix."""
        self.appendix_rows.append({**row.to_dict(), "report_section": used_in,
                                   "snapshot_date": self.bundle.snapshot_date})

    def _record_rows(self, rows: pd.DataFrame, used_in: str) -> None:
        """Remember every row of ``rows`` as shown in ``used_in`` (one call for a whole figure)."""
        extra = {"report_section": used_in, "snapshot_date": self.bundle.snapshot_date}
        self.appendix_rows.extend({**record, **extra} for record in rows.to_dict("records"))

    def appendix_frame(self) -> pd.DataFrame:
        """Every figure shown in the report, with CIs, comparisons, source and snapshot date."""
        if not self.appendix_rows:
            return pd.DataFrame()
        frame = pd.DataFrame(self.appendix_rows)
        return frame.drop_duplicates(subset=["indicator_id", "area_code", "period", "sex", "age",
                                             "category_type", "category", "report_section"])

    # ------------------------------------------------------------ sentences
    def _sentence(self, row: pd.Series) -> str:
        data = row.to_dict()
        data["comparison"] = row.get("england_comparison")
        data["comparator_value"] = row.get("england_value")
        data["comparison_reason"] = row.get("england_reason")
        data["comparator_name"] = "England"
        return sentence(data)

    # --------------------------------------------------------------- blocks
    def front_matter(self) -> str:
        """The area line, the demonstration banner, and the snapshot date."""
        lines = []
        if self.bundle.is_demo:
            lines.append(self.demo_notice())
        lines.append(f"**Area:** {md(self.area.name)} ({md(self.kind)}, {self.area.code}).  ")
        lines.append(f"**Data snapshot:** {md(self.bundle.snapshot_date)}.  ")
        lines.append("**Geography vintage:** " + md(self.bundle.meta.get("vintage", "2024")) + ".")
        return "\n".join(lines) + "\n"

    def demo_notice(self) -> str:
        return ("> **Demonstration data.** Every figure in this report is generated for a fictional "
                "area to show how the report works. None of it describes a real place.\n")

    def key_messages(self) -> str:
        """Bullets: one sentence per topic section's headline indicator, worst results first."""
        latest = self.latest()
        if latest.empty:
            return "No indicator data are available for this area in the data snapshot.\n"
        order = {"Worse (99.8%)": 0, "Worse": 1, "Better (99.8%)": 3, "Better": 4}
        # Worst results first; figures that could not be given (not aggregable, no data) last.
        latest = latest.assign(_rank=latest["england_comparison"].map(order).fillna(2).where(
                                   latest["value"].notna() | latest["suppressed"], 5),
                               _section=latest["indicator_id"].map(self._section_of))
        topics = {s["key"] for s in self.sections()}
        latest = latest[latest["_section"].isin(topics)]
        picked = latest.sort_values("_rank").groupby("_section", sort=False).head(1)
        lines = []
        for _, row in picked.sort_values("_rank").iterrows():
            self._record(row, "Summary and key messages")
            lines.append(f"- {self._sentence(row)}")
        intro = (f"The table below each topic compares {md(self.area.name)} with England and, where it "
                 "applies, its region. Significance uses the method Fingertips uses for each indicator.\n\n")
        return intro + "\n".join(lines) + "\n"

    @staticmethod
    def display_value(row: pd.Series, *, with_ci: bool = False) -> str:
        """A row's figure as tables and charts print it ("8.1 per 100,000 (6.2 to 9.9)", "suppressed")."""
        if row["suppressed"]:
            return "suppressed"
        if pd.isna(row["value"]):
            return "not aggregable" if str(row["value_note"]).startswith("Not aggregable") else "no data"
        text = format_value(row["value"], row["value_type"], row["multiplier"])
        if with_ci and not pd.isna(row["lower_ci_95"]):
            text += (f" ({format_value(row['lower_ci_95'], row['value_type'], None)} to "
                     f"{format_value(row['upper_ci_95'], row['value_type'], None)})")
        return text

    def benchmark_table(self, rows: pd.DataFrame, section_title: str) -> str:
        """A table of indicators: value with 95% CI, England, region, comparison and trend as text."""
        body = []
        for _, row in rows.iterrows():
            self._record(row, section_title)
            unit = (row["value_type"], row["multiplier"])
            value = self.display_value(row, with_ci=True)
            if row["area_code"] != self.area.code:  # a district shown its upper-tier authority's figure
                value += f" ({row['area_name']}: not published for districts)"
            region = ("" if not row.get("region_code") or pd.isna(row.get("region_value"))
                      else format_value(row["region_value"], *unit))
            body.append([
                row["indicator_name"], row["period"], value,
                format_value(row.get("england_value"), *unit), region,
                row.get("england_comparison") or "Not compared",
                row.get("trend") or "Cannot be calculated",
            ])
        return pipe_table(
            ["Indicator", "Period", f"{self.area.name} (95% CI)", "England", "Region",
             "Compared with England", "Recent trend"],
            body, align="llrrrll")

    def sections(self) -> list[dict]:
        """Topic sections (from data_sources/report_sections.yaml) in report order."""
        return _load_sections()

    # ------------------------------------------------------------ geography
    def population(self, area_code: str | None = None) -> float | None:
        """The latest population estimate of an area, if the bundle has one."""
        rows = self.headline[(self.headline["indicator_id"] == "ons-population")
                             & (self.headline["area_code"] == (area_code or self.area.code))]
        if rows.empty or rows["value"].isna().all():
            return None
        return float(rows.sort_values("period_end")["value"].dropna().iloc[-1])

    def geography_section(self) -> str:
        """Population, constituent districts, parents, and where boundaries are not coterminous."""
        geo = self.geography
        parts = []
        population = self.population()
        pop_text = f"an estimated {thousands(population)} residents" if population else "no population estimate in the bundle"
        parts.append(f"{md(self.area.name)} is a {md(self.kind)} with {pop_text}.")
        parents = geo.parents(self.area.code)
        named = []
        for key, label in (("utla", "upper-tier authority"), ("region", "region"), ("pfa", "police force area")):
            code = parents.get(key)
            if code and code != self.area.code:
                named.append(f"{label} {md(geo.resolve(code).name)}")
        if named:
            parts.append("It lies within the " + ", the ".join(named) + ".")
        text = " ".join(parts) + "\n\n"
        lads = geo.constituent_lads(self.area.code)
        if len(lads) > 1:
            lookup = geo.lads.set_index("lad_code")
            rows = []
            for code in lads:
                info = lookup.loc[code]
                pop = self.population(code)
                rows.append([info["lad_name"], code, info["utla_name"], info["pfa_name"],
                             thousands(pop) if pop else "no data"])
            text += pipe_table(["District", "Code", "Upper-tier authority", "Police force area", "Population"],
                               rows, align="llllr")
            text += "\n"
        text += self.coterminosity_note() + "\n"
        return text

    def coterminosity_note(self) -> str:
        """Say plainly where local authority and police boundaries do not line up."""
        lads = self.geography.lads
        if self.area.area_type == "pfa":
            inside = lads[lads["pfa_code"] == self.area.code]
            utlas = inside.drop_duplicates("utla_code")
            split = [u for u in utlas["utla_code"]
                     if lads.loc[lads["utla_code"] == u, "pfa_code"].nunique() > 1]
            names = ", ".join(md(n) for n in utlas["utla_name"])
            note = (f"The force area covers {len(inside)} districts in {len(utlas)} upper-tier "
                    f"authorities ({names}). Police force figures here are built by adding up district "
                    "counts and denominators, never by averaging rates.")
            if split:
                note += (" These upper-tier authorities are split between forces, so their figures "
                         "cannot be read across directly: " + ", ".join(
                             md(lads.loc[lads['utla_code'] == u, 'utla_name'].iloc[0]) for u in split) + ".")
            return note + "\n"
        mine = lads[lads["lad_code"].isin(self.geography.constituent_lads(self.area.code))]
        forces = mine.drop_duplicates("pfa_code")
        if len(forces) > 1:
            return ("Its districts are policed by more than one force (" +
                    ", ".join(md(n) for n in forces["pfa_name"]) + "), so police data for the area "
                    "must be assembled district by district.\n")
        if len(forces) == 1:
            force_lads = lads[lads["pfa_code"] == forces["pfa_code"].iloc[0]]
            if len(force_lads) > len(mine):
                return (f"{md(forces['pfa_name'].iloc[0])} also polices areas outside "
                        f"{md(self.area.name)}, so force-wide figures describe a larger population.\n")
            return f"The area is coterminous with {md(forces['pfa_name'].iloc[0])}.\n"
        return ""

    # -------------------------------------------------------------- topics
    def latest_with_upper_tier(self) -> pd.DataFrame:
        """The area's latest rows; for a district, its upper-tier authority's where only that is published."""
        latest = self.latest()
        if self.area.area_type != "lad" or self.area.is_upper_tier:
            return latest
        upper = self.geography.parents(self.area.code).get("utla")
        extra = self.latest(upper) if upper else latest.iloc[0:0]
        extra = extra[~extra["indicator_id"].isin(set(latest["indicator_id"]))]
        return pd.concat([latest, extra], ignore_index=True) if not extra.empty else latest

    def section_rows(self, section_key: str) -> pd.DataFrame:
        latest = self.latest_with_upper_tier()
        if latest.empty:
            return latest
        return latest[latest["indicator_id"].map(self._section_of) == section_key]

    def topic_section(self, section: dict) -> str:
        """A topic: heading, why it matters, benchmark table, sentences, a chart, local data."""
        out = [f"## {md(section['title'])}\n", f"{md(section['intro'])}\n"]
        rows = self.section_rows(section["key"])
        definitions = [self.indicator_info(i).get("definition") for i in rows["indicator_id"]]
        if rows.empty:
            out.append(f"No published indicators for this topic are in the data snapshot for "
                       f"{md(self.area.name)}.\n")
        else:
            out.append(self.benchmark_table(rows, section["title"]))
            out.append("\n".join(f"- {self._sentence(row)}" for _, row in rows.iterrows()) + "\n")
            notes = [f"- **{md(name)}:** {md(d)}" for name, d in zip(rows["indicator_name"], definitions) if d]
            if notes:
                out.append("Definitions:\n\n" + "\n".join(notes) + "\n")
            # Chart the section's headline indicator (e.g. C20 continuity of care) when it has a value.
            charted = rows[rows["value"].notna() & (rows["area_code"] == self.area.code)]
            headline = charted["indicator_id"].map(lambda i: not self.indicator_info(i).get("headline"))
            chart_row = charted.assign(_h=headline).sort_values("_h", kind="stable").head(1)
            if not chart_row.empty:
                out.append(self.compare_chart(chart_row.iloc[0]))
                if section.get("trend_chart"):  # every trend is also a text label in the table
                    out.append(self.trend_chart(chart_row.iloc[0]))
        out.append(self.local_data_boxes(section["key"]))
        return "\n".join(part for part in out if part)

    # ----------------------------------------------------------- local data
    def upload_kinds(self) -> list[dict]:
        """Registered upload kinds (data_sources/uploads/*.yaml)."""
        return list(_load_upload_kinds())

    def _uploaded_kinds(self) -> set[str]:
        return {u.get("kind") for u in self.bundle.meta.get("uploads", [])}

    def local_data_boxes(self, section_key: str) -> str:
        """For each local upload kind of a section: its figures, or a "local data needed" box."""
        out = []
        for spec in self.upload_kinds():
            if spec.get("section") != section_key:
                continue
            title = spec.get("title", spec["kind"])
            if spec["kind"] in self._uploaded_kinds():
                out.append(self.local_data_table(spec))
            else:
                partner = spec.get("partner", "local partners")
                out.append(f"> **Local data needed: {md(title)}.** No national source publishes this. "
                           f"It is held by {md(partner)}; upload it with "
                           f"`jsna upload-template {spec['kind']}` and `jsna build --upload`.\n")
        return "\n".join(out)

    def local_data_table(self, spec: dict) -> str:
        """The area's and its districts' rows from a local upload (disclosure-controlled at build time)."""
        title = spec.get("title", spec["kind"])
        codes = [self.area.code, *[c for c in self.geography.constituent_lads(self.area.code) if c != self.area.code]]
        frame = self.headline
        rows = frame[frame["source"].str.startswith("Local upload") & frame["area_code"].isin(codes)
                     & frame["indicator_id"].isin([i.get("id") for i in spec.get("indicators", [])])]
        if rows.empty:
            return f"> **{md(title)}:** the local upload has no rows for {md(self.area.name)} or its districts.\n"
        order = {code: n for n, code in enumerate(codes)}
        rows = rows.assign(_order=rows["area_code"].map(order)).sort_values(["indicator_id", "period", "_order"])
        body = []
        for _, row in rows.iterrows():
            self._record(row, f"Local data: {title}")
            value = self.display_value(row, with_ci=True)
            if row["suppressed"]:
                count = denominator = "suppressed"
            else:
                count = format_value(row["count"], "count", None)
                denominator = format_value(row["denominator"], "count", None)
            body.append([row["indicator_name"], row["area_name"], row["period"], value, count, denominator,
                         row["value_note"] or ""])
        rule = self._disclosure_rule(spec)
        return (f"### Local data: {md(title)}\n\n"
                + pipe_table(["Indicator", "Area", "Period", "Value (95% CI)", "Count", "Denominator", "Note"],
                             body, align="lllrrrl")
                + f"\nSource: local upload supplied by {md(spec.get('partner', 'local partners'))}. {rule}\n")

    @staticmethod
    def _disclosure_rule(spec: dict) -> str:
        rule = spec.get("disclosure", {}) or {}
        low, high = rule.get("suppress_from", 1), rule.get("suppress_to", 4)
        return (f"Counts of {low} to {high}, and any figure from which one could be worked out, "
                "are suppressed; zero is shown.")

    def local_data_section(self) -> str:
        """Which local datasets are in this report and which partners hold the missing ones."""
        kinds = self.upload_kinds()
        if not kinds:
            return "No local upload kinds are registered.\n"
        present = self._uploaded_kinds()
        rows = [[spec.get("title", spec["kind"]), spec.get("partner", ""),
                 "included" if spec["kind"] in present else "not supplied"] for spec in kinds]
        return ("Some of the most important information about people in contact with the criminal "
                "justice system is held locally and published nowhere. This report includes the "
                "following local datasets when partners supply them:\n\n"
                + pipe_table(["Local dataset", "Held by", "In this report"], rows))

    # ------------------------------------------------------- methods/sources
    def methods_section(self) -> str:
        """How figures were made, what could not be compared, and the data gaps."""
        text = [
            "Confidence intervals are 95% and 99.8%: Wilson score intervals for proportions, "
            "Byar's method for counts and crude rates (exact Poisson intervals below 10 events) and "
            "Dobson's method for directly standardised rates, as in the Fingertips technical guidance.",
            "An area is *better* or *worse* than England when England's value lies outside the "
            "area's confidence interval, using each indicator's own comparison method and polarity; "
            "otherwise it is *similar*. Every comparison is written as text, never shown by colour alone.",
            "Recent trends use the Fingertips test on the five most recent points (chi-squared at the "
            "99.8% level, with a check that no single point drives the result).",
            "Police force area figures are built by adding up district counts and denominators "
            "through the ONS district to community safety partnership to police force area lookup. "
            "Rates are never averaged. Directly standardised rates without age-specific data cannot "
            "be rebuilt this way and are shown as not aggregable.",
            f"Small numbers are suppressed before any output: {md(self.bundle.meta.get('suppression', 'counts of 1 to 4 are hidden, with secondary suppression so they cannot be recovered by subtraction'))}.",
        ]
        gaps = self.latest()
        gaps = gaps[gaps["value"].isna()]
        out = "\n\n".join(text) + "\n\n"
        if not gaps.empty:
            out += "Indicators without a usable value for this area:\n\n" + "\n".join(
                f"- {md(r['indicator_name'])} ({md(r['period'])}): "
                f"{md(r['value_note'] or 'no value published')}" for _, r in gaps.iterrows()) + "\n"
        out += ("\nKnown national data gaps: no published statistic measures deaths in the weeks after "
                "release from prison, reoffending among people who need drug treatment, or "
                "accommodation on the first night after release by local authority. These need local data.\n")
        return out

    def sources_section(self) -> str:
        """Every source with its publisher, URL, licence and retrieval date."""
        rows = [[s.get("name", ""), s.get("url", ""), s.get("licence", ""), s.get("retrieved_at", "")]
                for s in self.bundle.meta.get("sources", [])]
        text = (f"Figures come from the data snapshot of {md(self.bundle.snapshot_date)}. "
                "Each figure's source is listed in the Excel data appendix.\n\n")
        if rows:
            text += pipe_table(["Source", "Address", "Licence", "Retrieved"], rows)
        text += ("\nContains public sector information licensed under the Open Government Licence v3.0. "
                 "Contains OS data © Crown copyright and database right. Source: Office for National "
                 "Statistics licensed under the Open Government Licence v3.0; OHID Fingertips "
                 "(https://fingertips.phe.org.uk).\n")
        return text

    # -------------------------------------------------------------- figures
    def _figure_markdown(self, figure, stem: str) -> str:
        path = figure.save(self.figure_dir / f"{stem}.png")
        alt = figure.alt_text.replace('"', "'").replace("\\", "/")
        return f'![{md(figure.caption)}]({for_document(path)}){{fig-alt="{alt}"}}\n'

    def _peer_rows(self, row: pd.Series) -> pd.DataFrame:
        """The same indicator and period for the area's peers (with the area itself)."""
        peers = set(self.geography.peers(self.area.code)) | {self.area.code}
        frame = self.indicator_rows(row["indicator_id"])
        same = frame[(frame["period"] == row["period"])
                     & (frame["sex"] == row["sex"]) & (frame["age"] == row["age"])]
        return same[same["area_code"].isin(peers)]

    def compare_chart(self, row: pd.Series) -> str:
        """The area among its peers for one indicator, as a figure in markdown."""
        from ..charts import compare_areas

        peers = self._peer_rows(row).rename(columns={"england_comparison": "comparison"})
        if len(peers) < 2:
            return ""
        names = self.geography.areas.set_index("code")["name"]
        peers = peers.assign(area_name=peers["area_code"].map(names).fillna(peers["area_name"]))
        figure = compare_areas(peers, highlight=self.area.code, reference_value=row.get("england_value"),
                               reference_label="England", indicator=row["indicator_name"],
                               period=row["period"], unit=row.get("unit") or "")
        self._record_rows(peers.rename(columns={"comparison": "england_comparison"}), "Figure: compare areas")
        return self._figure_markdown(figure, f"compare-{row['indicator_id']}")

    def _same_type_codes(self) -> set[str]:
        """Areas of this area's type (unitaries count as upper tier), for spine-chart ranges."""
        if self.area.area_type == "pfa":
            return set(self.geography.codes_of_type("pfa"))
        if self.area.area_type == "utla" or self.area.is_upper_tier:
            return set(self.geography.codes_of_type("utla"))
        return set(self.geography.codes_of_type(self.area.area_type))

    def _spine_rows(self) -> pd.DataFrame:
        """Latest rows of every topic indicator for all areas of this area's type (cached per type)."""
        codes = self._same_type_codes()
        cache = self.bundle.__dict__.setdefault("_spine_rows", {})
        key = tuple(sorted(codes))
        if key not in cache:
            sections = [s["key"] for s in self.sections()]
            frame = self.headline
            section_of = frame["indicator_id"].map({i: self._section_of(i) for i in frame["indicator_id"].unique()})
            rows = frame[frame["area_code"].isin(codes) & section_of.isin(sections) & frame["england_value"].notna()]
            latest = rows.groupby("indicator_id")["period_end"].transform("max")
            rows = rows[rows["period_end"] == latest]
            rows = rows.assign(_section=section_of[rows.index].map(sections.index))
            cache[key] = rows.sort_values(["_section", "indicator_id", "area_code"])
        return cache[key]

    def spine_chart(self) -> str:
        """Every topic indicator's latest value on a Fingertips-style spine chart.

        Indicators and periods are chosen for the area type, not the area, so
        every area of the type shares one drawing of the bars.
        """
        from ..charts import spine_chart

        rows = self._spine_rows()
        if rows.empty:
            return ""
        rows = rows.copy()
        own = rows["area_code"] == self.area.code
        rows["value_text"] = ""
        rows.loc[own, "value_text"] = [self.display_value(row) for _, row in rows[own].iterrows()]
        self._record_rows(rows[own], "Figure: spine chart")
        figure = spine_chart(rows, highlight=self.area.code, area_label=self.area.name, value_text="value_text")
        return self._figure_markdown(figure, "spine")

    def trend_chart(self, row: pd.Series) -> str:
        """The area's series for one indicator with England, as a figure in markdown."""
        from ..charts import trend_chart

        frame = self.indicator_rows(row["indicator_id"])
        series = frame[(frame["sex"] == row["sex"]) & (frame["age"] == row["age"])
                       & frame["area_code"].isin([self.area.code, "E92000001"])].sort_values(["period_end", "period"])
        mine = series[series["area_code"] == self.area.code]
        if mine["value"].notna().sum() < 2:
            return ""
        england = series[series["area_code"] == "E92000001"]
        figure = trend_chart(mine, england, area_name=self.area.name, indicator=row["indicator_name"],
                             trend=row.get("trend") or "Cannot be calculated", unit=row.get("unit") or "")
        self._record_rows(mine, "Figure: trend")
        return self._figure_markdown(figure, f"trend-{row['indicator_id']}")

    def area_map(self) -> str:
        """The area within its region (or a force's districts), shaded by a headline indicator."""
        from ..charts import choropleth

        if self.area.area_type == "pfa":
            level, codes, highlight = "lad", self.geography.constituent_lads(self.area.code), None
            where = f"districts of {self.area.name}"
        else:
            region = self.geography.parents(self.area.code).get("region")
            level = "lad" if (self.area.area_type == "lad" and not self.area.is_upper_tier) else "utla"
            column = "lad_code" if level == "lad" else "utla_code"
            lads = self.geography.lads
            codes = sorted(lads.loc[lads["region_code"] == region, column].unique())
            highlight = self.area.code
            where = f"{self.geography.resolve(region).name} region" if region else "England"
        shapes = self.bundle.boundaries(level)
        shapes = shapes[shapes["code"].isin(codes)]
        row, values = self._map_indicator(codes)
        if shapes.empty or row is None:
            return ""
        figure = choropleth(shapes, values, highlight=highlight,
                            title=f"{row['indicator_name']}, {row['period']}: {where}", unit=row.get("unit") or "")
        self._record_rows(values[values["area_code"].isin(shapes["code"])], "Figure: map")
        return self._figure_markdown(figure, f"map-{row['indicator_id']}")

    def _map_indicator(self, codes: list[str]):
        """The first headline indicator with values for most of the mapped areas, and those values."""
        frame = self.headline
        for _, row in self.latest().iterrows():
            if not self.indicator_info(row["indicator_id"]).get("headline") or pd.isna(row["value"]):
                continue
            values = frame[(frame["indicator_id"] == row["indicator_id"]) & (frame["period"] == row["period"])
                           & frame["area_code"].isin(codes)]
            if values["value"].notna().sum() * 2 >= len(codes):
                return row, values
        return None, None

    # ------------------------------------------------------------- appendix
    def write_appendix(self, path: str | Path) -> Path:
        """Write the Excel data appendix of every figure this report showed."""
        from .appendix import write_appendix

        notes = [f"Data appendix for {self.area.name} ({self.area.code}).",
                 f"Data snapshot: {self.bundle.snapshot_date}. Geography vintage: {self.bundle.meta.get('vintage', '')}.",
                 "Every figure shown in the report is listed on the Data sheet with its confidence "
                 "intervals, comparisons, source and the date it was retrieved.",
                 "Suppressed values are blank: small numbers are never published."]
        if self.bundle.is_demo:
            notes.insert(0, "Demonstration data: every figure is invented for a fictional area.")
        return write_appendix(self.appendix_frame(), Path(path),
                              title=f"Health and justice needs assessment: {self.area.name}", notes=notes)
