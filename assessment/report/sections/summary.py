"""Summary and key messages: the area line and demonstration banner, the key messages, the spine chart."""

from __future__ import annotations

import textwrap

import pandas as pd

from ...charts import spine_chart as draw_spine_chart
from ...charts.spine import MAX_INDICATORS
from ..difference import is_small, size, size_words, small_note
from ...geography.registry import default_vintage
from ...registry.all_registries import registries
from ...core.safe_text import capital, format_value, in_sentence, md
from ..section_blocks import chart_comparison, crude_rate, display_value, force_rank, row_sentence
from ..context import ReportContext
from ..document import Document, Note, Paragraph, bullets, rows_of
from ..councils_inside import contrast_sentence, inside_areas, inside_kind, published_inside, where_label

SECTION_TITLE = "Summary and key messages"
DEMO_NOTICE = ("**Demonstration data.** Every figure in this report is generated for a fictional "
               "area to show how the report works. None of it describes a real place.")
#: Differences that matter first: worse results, then better, then significant differences without a
#: judgement; contrasts inside the area next; then differences small in practice and similar results,
#: and summed counts (no standardised rate to compare) last. Within a class, the relative size against
#: England (in steps of about a tenth) and then a force's rank among forces decide the order.
RANK = {"Worse (99.8%)": 0, "Worse": 0, "Better (99.8%)": 1, "Better": 1}
UNJUDGED = {"Higher": 2, "Lower": 2}
CONTRAST, UNRANKED, NO_FIGURE = 3, 4, 5
SIZE_STEP = 0.1  # steps of log(ratio), about 10%: differences within one step are ordered by rank
EXTRA_FINDINGS = 4  # findings that matter (significant, not small) beyond the core measures
#: A section's part whose indicators are sub-groups of one of its figures (MHCLG table A3's support needs of
#: the households owed a duty): shown by council in that section, never one summary line or spine bar each.
SUB_GROUP_PART = "support_needs"


def front_matter(report: ReportContext) -> Document:
    """The area line, the demonstration banner, and the snapshot date."""
    data = report.data
    bundle, area = data.bundle, data.area
    lines = [f"**Area:** {md(area.name)} ({md(data.kind)}, {area.code}).  "]
    lines.append(f"**Data snapshot:** {md(bundle.snapshot_date)}.  ")
    lines.append("**Geography vintage:** " + md(bundle.meta.get("vintage") or default_vintage()) + ".")
    return Document().add(Note(DEMO_NOTICE) if bundle.is_demo else None, Paragraph("\n".join(lines)))


def key_messages(report: ReportContext) -> Document:
    """Bullets: the chapter's core measures, other findings that matter and contrasts inside the area.

    The differences that matter first (:func:`order`: worse, then better, by relative size against
    England and rank among forces); a difference small in practice is never called better or worse.
    A core measure (``data_sources/key_messages.yaml``)
    is always reported when the area has a figure for it, however unremarkable.
    A figure that could not be given is left out, never reported as missing.
    """
    data = report.data
    latest = data.latest_with_upper_tier()
    if latest.empty:
        return Document([Paragraph("No indicator data are available for this area in the data snapshot.\n")])
    topics = {s.key for s in data.sections()}
    latest = latest[latest["indicator_id"].map(data.section_of).isin(topics)
                    & ~latest["indicator_id"].isin(sub_group_ids(report))]
    messages, shown = key_message_list(report, latest)
    if not messages:
        return Document([Paragraph("No indicator data are available for this area in the data snapshot.\n")])
    compared = (f"{data.national_name} and ranks it among police forces" if data.area.area_type == "pfa"
                else f"{data.national_name} and, where it applies, its region")
    intro = (f"The table in each topic compares {md(data.display_name())} with {compared}. Significance uses the "
             "method Fingertips uses for each indicator.")
    return Document([Paragraph(intro), bullets((text for _, text in sorted(messages, key=lambda m: m[0])),
                                               title=SECTION_TITLE, rows=rows_of(shown))])


def key_message_list(report: ReportContext, latest) -> tuple[list[tuple[tuple, str]], list[pd.Series]]:
    """(order, sentence) of every key message, a lower order mattering more (see :func:`order`), and the rows quoted."""
    data = report.data
    by_key = {data.indicator_info(i).get("key"): i for i in latest["indicator_id"]}
    rows = latest.set_index("indicator_id", drop=False)
    messages, used, shown = [], set(), []
    for position, measure in enumerate(registries().core_measures):
        chosen = next((by_key[k] for k in measure.indicators if k in by_key and has_figure(rows.loc[by_key[k]])), None)
        if chosen is None:
            continue
        row = rows.loc[chosen]
        used.add(chosen)
        shown.append(row)
        text, rank = message(report, row, variant=position), order(row)
        if contrast := inside_contrast(report, row):  # a force-wide figure can hide councils that differ
            text += " " + contrast
            rank = min(rank, (CONTRAST, 0.0, 0.0))
        if measure.meaning and (contrast or matters(row)):
            text += f" This matters because {md(measure.meaning)}."
        messages.append(((*rank, 0, position), text))
    others = latest[~latest["indicator_id"].isin(used)]
    others = [row for _, row in others.iterrows() if matters(row)]
    for row in sorted(others, key=order)[:EXTRA_FINDINGS]:
        shown.append(row)
        messages.append(((*order(row), 1, 0), message(report, row)))  # after a core measure of the same standing
    return messages, shown


def matters(row) -> bool:
    """A significant difference from England that is not small in practice."""
    label = row.get("england_comparison")
    return (label in RANK or label in UNJUDGED) and not small(row)


def small(row) -> bool:
    """Whether the row's difference from England is small in practice (``small_difference`` in key_messages.yaml)."""
    return is_small(row["value"], row.get("england_value"), row["value_type"])


def has_figure(row) -> bool:
    """A value, or a summed count with a crude rate: something a key message can say."""
    return not row["suppressed"] and (not pd.isna(row["value"]) or crude_rate(row) is not None)


def order(row) -> tuple[int, float, float]:
    """(class, size, standing): sorted ascending, the difference that matters most comes first.

    Class: worse, better, then significant without judgement (each only when not small in practice),
    then the rest, then summed counts. Size: minus the relative size against England, in steps of
    about a tenth. Standing: minus how near the top or bottom of the forces a force ranks.
    """
    if pd.isna(row["value"]):
        return (NO_FIGURE, 0.0, 0.0)
    label = row.get("england_comparison")
    kind = (RANK.get(label, UNJUDGED.get(label, UNRANKED))) if matters(row) else UNRANKED
    step = round(size(row["value"], row.get("england_value"), row["value_type"]) / SIZE_STEP)
    return (kind, -float(step), -rank_extremity(row))


def rank_extremity(row) -> float:
    """How near the top or bottom of the forces a force ranks: 1 for the highest or lowest, 0 in the middle."""
    rank, count = row.get("force_rank"), row.get("force_count")
    if row.get("area_type") != "pfa" or pd.isna(rank) or pd.isna(count) or count < 2:
        return 0.0
    return abs((float(rank) - 1) / (float(count) - 1) - 0.5) * 2


def message(report: ReportContext, row, *, variant: int = 0) -> str:
    """One key message on a row, worded for its result (and a force's rank among forces)."""
    # Lowered before it is escaped: in_sentence reads the words, and escaping puts a backslash in "Self-reported".
    name, period = md(in_sentence(row["indicator_name"])), md(row["period"])
    area = md(report.data.display_name(row["area_code"]))
    nation = report.data.national_name  # England, or England and Wales for a Welsh force
    if pd.isna(row["value"]):
        crude = format_value(crude_rate(row), "crude rate", row["multiplier"])
        text = (f"For {name} in {area} ({period}), the counts add up to {format_value(row['count'], 'count')}, "
                f"a crude rate of {crude}; a crude rate is not age-standardised, so it is not compared with {nation}.")
        councils = council_rates(report, row)
        return text + (f" The councils' own standardised rates: {councils}." if councils else "")
    unit = (row["value_type"], row["multiplier"])
    figure = format_value(row["value"], *unit)
    # Two openings, alternated, so that a run of messages does not read as a list of table rows.
    lead = (f"the figure for {name} in {area} ({figure}, {period})" if variant % 2 == 0
            else f"in {area}, {name} ({figure}, {period})")
    england = "" if pd.isna(row.get("england_value")) else f" ({format_value(row['england_value'], *unit)})"
    label = row.get("england_comparison") or ""
    rank = force_rank(report, row)
    rank_note = f" Among forces it ranks {rank}." if rank else ""
    words = size_words(row["value"], row.get("england_value"), row["value_type"], row["multiplier"], nation)
    # "is about twice England's rate (1.0 per 1,000): significantly higher", or without a ratio as before.
    how_big = f"is {words}{england}: significantly" if words else "is significantly"
    if (label in RANK or label in UNJUDGED) and small(row):  # significant, yet not a difference that matters
        return (f"{capital(lead)} is {words}{england}: the difference is statistically significant but small "
                f"in practice ({small_note()}).{rank_note}")
    if label in RANK:
        direction = "higher" if not england or row["value"] > row["england_value"] else "lower"
        level = " at the 99.8% level" if "99.8" in label else ""
        verdict = "worse" if label.startswith("Worse") else "better"
        than = "" if words else f" than {nation}{england}"
        return (f"{capital(lead)} {how_big} {direction}{than}, "
                f"which is {verdict}{level}.{rank_note}")
    if label in UNJUDGED:
        than = "" if words else f" than {nation}{england}"
        return (f"{capital(lead)} {how_big} {label.lower()}{than}; "
                f"a {label.lower()} figure is not judged better or worse.{rank_note}")
    if label == "Similar":  # two wordings, so a run of similar results does not read as a list
        if words:
            closing = "not a significant difference" if variant % 2 else "the difference is not significant"
            return f"{capital(lead)} is {words}{england}; {closing}.{rank_note}"
        if variant % 2:
            return f"{capital(lead)} does not differ significantly from {nation}{england}.{rank_note}"
        return f"{capital(lead)} is similar to {nation}{england}: the difference is not significant.{rank_note}"
    return row_sentence(row, report.data.display_name(row["area_code"]), nation) + rank_note


def council_rates(report: ReportContext, row) -> str:
    """Each inside council's published rate with its comparison ("Northmere 8.5 per 100,000, similar")."""
    inside = inside_areas(report.data)
    found = published_inside(report.data, row, inside) if inside else None
    if found is None or found.empty:
        return ""
    def compared(label) -> str:
        if label == "Similar":
            return ", similar to England"
        return f", {label.split(' ')[0].lower()} than England" if label in RANK else ""

    def judged(r) -> str:  # a council's difference small in practice is not called better or worse
        return ", close to England" if r.get("england_comparison") in RANK and small(r) else compared(
            r.get("england_comparison"))

    return "; ".join(f"{md(r['area_name'])} {display_value(r)}{judged(r)}"
                     for _, r in found.iterrows() if not pd.isna(r["value"]))


def inside_contrast(report: ReportContext, row) -> str:
    """The sentence on councils that differ significantly inside the area, for a key message ("" if none)."""
    inside = inside_areas(report.data)
    if not inside or row["area_code"] != report.data.area.code:
        return ""
    return contrast_sentence(published_inside(report.data, row, inside), where_label(report.data),
                             kind=inside_kind(report.data))


#: Characters a line of the figures written beside a spine chart's bar.
VALUE_CHARS = 20


def spine_chart(report: ReportContext) -> Document:
    """Every section indicator's latest value on a Fingertips-style spine chart.

    Indicators and periods are chosen for the area type, not the area, so
    every area of the type shares one drawing of the bars.
    """
    data = report.data
    rows = data.spine_rows()
    rows = rows[~rows["indicator_id"].isin(sub_group_ids(report))]
    if rows.empty:
        return Document()
    rows = rows.copy()
    own = rows["area_code"] == data.area.code
    rows["value_text"] = ""
    # Figures beside a bar have room for about 20 characters a line ("310 (crude rate 37.4 per 100,000)").
    rows.loc[own, "value_text"] = [textwrap.fill(spine_value(row), VALUE_CHARS) for _, row in rows[own].iterrows()]
    # The area's result as its tables word it: a difference small in practice is not called better or worse.
    # The appendix keeps each row's comparison as computed (``rows``); only the chart is reworded (``drawn``).
    drawn = rows.copy()
    drawn.loc[own, "england_comparison"] = [chart_comparison(row, data.national_name) for _, row in rows[own].iterrows()]
    parts = spine_parts(list(dict.fromkeys(rows["indicator_name"])), MAX_INDICATORS)
    out = Document()
    for number, names in enumerate(parts, start=1):
        part = f"{number} of {len(parts)}" if len(parts) > 1 else ""
        figure = draw_spine_chart(drawn[drawn["indicator_name"].isin(names)], highlight=data.area.code,
                                  area_label=data.area.name, value_text="value_text", part=part,
                                  national=data.national_name)
        shown = rows[own & rows["indicator_name"].isin(names)]  # the area's bars; its peers only draw the spine
        out.add(report.figures.block(figure, "spine" if number == 1 else f"spine-{number}", title="Figure: spine chart",
                                     rows=shown))
    return out


def sub_group_ids(report: ReportContext) -> set[str]:
    """Indicators the summary leaves to their own section: every section's :data:`SUB_GROUP_PART`."""
    return {i for section in report.data.sections() for part, ids in section.indicators
            if part == SUB_GROUP_PART for i in ids}


def spine_value(row: pd.Series) -> str:
    """The figure written beside a spine bar: as tables print it, a summed count as its crude rate."""
    crude = crude_rate(row) if pd.isna(row["value"]) and not row["suppressed"] else None
    if crude is not None:
        return f"crude rate {format_value(crude, 'crude rate', row['multiplier'])}"
    return display_value(row)


def spine_parts(indicators: list[str], most: int) -> list[list[str]]:
    """``indicators`` in report order, cut into as few equal runs of at most ``most`` as will do.

    A spine chart of more bars than fit on a page would shrink every name below legibility.

    >>> [len(p) for p in spine_parts([str(n) for n in range(47)], 22)]
    [16, 16, 15]
    >>> spine_parts(["a", "b"], 22)
    [['a', 'b']]
    """
    count = -(-len(indicators) // most) or 1
    size = -(-len(indicators) // count)
    return [indicators[start:start + size] for start in range(0, len(indicators), size)] or [[]]
