"""Colours for comparison results: colour-blind safe, and never the only carrier of meaning.

Fingertips' red/amber/green cannot be told apart by many readers with
red-green colour blindness, so better results are blue and worse are orange
(the pair that stays distinct under deuteranopia and protanopia); the 99.8%
levels are darker shades. Every chart also writes the result as text.

>>> colour_for("Worse"), colour_for("Something new")
('#E66100', '#BDBDBD')
>>> result_heading(["Worst quintile", "Middle quintile", "No data"], "England")
'Quintile in England'
>>> result_heading(["Worse (99.8%)", "Worst quintile"], "England")
'Compared with England'
"""

from __future__ import annotations

COMPARISON_COLOURS = {
    "Better (99.8%)": "#084594",
    "Better": "#4292C6",
    "Similar": "#F0E442",
    "Worse": "#E66100",
    "Worse (99.8%)": "#8C2D04",
    # Significant but small in practice (key_messages.yaml): neither better nor worse, so a pale neutral.
    "Higher: small in practice": "#E3E3E3",
    "Lower: small in practice": "#E3E3E3",
    "Higher": "#B8A7D9",
    "Lower": "#5E3C99",
    "Not compared": "#BDBDBD",
}
QUINTILE_COLOURS = ["#FEEDDE", "#FDBE85", "#FD8D3C", "#E6550D", "#A63603"]  # light = low
NEUTRAL = "#BDBDBD"
HIGHLIGHT = "#000000"


def colour_for(label: str) -> str:
    """The fill colour of a comparison label (grey for anything unknown)."""
    if label in COMPARISON_COLOURS:
        return COMPARISON_COLOURS[label]
    lower = str(label).lower()
    for words, colour in (("best", "#084594"), ("better", "#4292C6"), ("middle", "#F0E442"),
                          ("worse", "#E66100"), ("worst", "#8C2D04")):
        if lower.startswith(words):
            return colour
    return NEUTRAL


def binned_kind(labels) -> str:
    """"quintile" or "quartile" when every shown result is such a bin (a rank among areas), else ""."""
    shown = [str(label).lower() for label in labels if str(label) not in ("No data", "Not compared", "")]
    return next((kind for kind in ("quintile", "quartile") if shown and all(s.endswith(kind) for s in shown)), "")


def result_heading(labels, comparator: str) -> str:
    """A key's heading: "Quintile in England" when every result is a bin, else "Compared with England".

    A quintile ranks an area among England's areas of its tier (:mod:`assessment.stats.comparison_sets`);
    it is not a comparison with England's value, so a key of quintiles is not headed as one.
    """
    kind = binned_kind(labels)
    return f"{kind.capitalize()} in {comparator}" if kind else f"Compared with {comparator}"


def result_phrase(labels, comparator: str) -> str:
    """How a chart's caption says what colours its areas: "their quintile among England's areas of the same
    tier", or "their comparison with England"."""
    kind = binned_kind(labels)
    return f"their {kind} among {comparator}'s areas of the same tier" if kind else f"their comparison with {comparator}"
