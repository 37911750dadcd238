"""Charts: each is a function of a tidy frame slice plus column names, returning a Figure.

Charts never call loaders; every figure carries a caption and data-generated alt
text, and comparison results are always written as text as well as coloured.
"""

from .age_profile import age_profile
from .compare_areas import compare_areas
from .figure import Figure
from .maps import choropleth
from .palette import COMPARISON_COLOURS, colour_for
from .spine import spine_chart, spine_positions
from .trend import trend_chart

__all__ = ["COMPARISON_COLOURS", "age_profile", "Figure", "choropleth", "colour_for", "compare_areas", "spine_chart", "spine_positions",
           "trend_chart"]
