"""ONS mid-year population estimates (all ages) into the tidy frame.

Reads the layout of the ONS mid-year estimates summary table as republished in
CSV (``Code, Name, Geography, All ages`` or ``Population``), for England and
Wales or the UK. Rows outside the report geographies (countries other than
England, metropolitan counties: codes with no tidy-frame area type) are left out.

>>> import io, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mye.csv"
>>> _ = path.write_text("Code,Name,Geography,All ages\\nE92000001,ENGLAND,Country,57690323\\nE08000035,Leeds,Metropolitan District,822483\\n")
>>> read(path, vintage="mid-2023")[["area_code", "area_name", "value", "period"]].values.tolist()
[['E92000001', 'England', 57690323.0, '2023'], ['E08000035', 'Leeds', 822483.0, '2023']]
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..frame import area_type_for_code, new_frame, validate_frame
from .periods import parse_period

INDICATOR_ID = "ons-population"
VALUE_COLUMNS = ("All ages", "Population")


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """Population estimates as tidy rows (value_type count); ``vintage`` names the year (e.g. mid-2023)."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not a readable population CSV ({' '.join(str(exc).split())})") from None
    value_column = next((c for c in VALUE_COLUMNS if c in raw.columns), None)
    for needed in ("Code", "Name"):
        if needed not in raw.columns:
            raise InputError(f"{path}: missing column '{needed}' (found {', '.join(raw.columns)})")
    if value_column is None:
        raise InputError(f"{path}: missing column 'All ages' or 'Population' (found {', '.join(raw.columns)})")
    year_match = re.search(r"(\d{4})", vintage or path.stem)
    if not year_match:
        raise InputError(f"{path}: cannot tell the estimate's year; pass vintage='mid-YYYY'")
    year = year_match.group(1)
    values = pd.to_numeric(raw[value_column].str.replace(",", ""), errors="coerce")
    bad = values.isna() & raw[value_column].notna()
    if bad.any():
        row = int(bad.idxmax()) + 2
        raise InputError(f"{path} row {row} column '{value_column}': not a number ({raw.loc[bad.idxmax(), value_column]!r})")
    area_type = raw["Code"].map(area_type_for_code)
    keep = area_type.notna() & raw["Code"].str.startswith("E")
    names = raw["Name"].where(raw["Name"] != raw["Name"].str.upper(), raw["Name"].str.title())
    start, end = parse_period(year)
    frame = pd.DataFrame({
        "indicator_id": INDICATOR_ID, "indicator_name": "Resident population (mid-year estimate)",
        "source": "ONS mid-year population estimates", "area_code": raw["Code"], "area_name": names,
        "area_type": area_type, "period": year, "period_start": start, "period_end": end,
        "value": values, "count": values, "value_type": "count", "multiplier": 1.0, "unit": "people",
        "polarity": "not_applicable", "comparator_method": "none", "ci_method": "none",
        "source_url": source_url or path.name, "retrieved_at": retrieved_at or datetime.now(timezone.utc),
        "vintage": vintage,
    })[keep]
    return validate_frame(new_frame(frame), where=str(path))
