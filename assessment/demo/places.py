"""The fictional country the demo is set in: regions, counties, districts and police force areas.

Codes follow the ONS patterns (E12 region, E10 county, E06 unitary, E07 district,
E22 community safety partnership, E23 police force area) in a ``999`` range that
ONS does not use, so demo data can never be mistaken for a real area.

>>> places = demo_places()
>>> sorted({p.region_code for p in places})
['E12999001', 'E12999002', 'E12999003']
>>> next(p for p in places if p.lad_code == "E07999001").utla_name
'Northmere'
"""

from __future__ import annotations

from dataclasses import dataclass

#: The area the demo report is written for, and its police force area.
DEMO_UTLA_CODE = "E10999001"
DEMO_PFA_CODE = "E23999001"
DEMO_LAD_CODE = "E07999001"


@dataclass(frozen=True)
class DemoPlace:
    """One demo district with its parents, and its cell on the demo map grid."""

    lad_code: str
    lad_name: str
    utla_code: str
    utla_name: str
    region_code: str
    region_name: str
    pfa_code: str
    pfa_name: str
    csp_codes: tuple[str, ...]
    csp_names: tuple[str, ...]
    grid_x: int
    grid_y: int


# region name, [(county name, [district names]) x2], [unitary names x3],
# and which unitaries police with which county.
_REGIONS = [
    ("Wessex",
     [("Northmere", ["Alderholt Vale", "Brackenfold", "Coldharbour", "Dunmere"]),
      ("Southdown Shire", ["Eastling", "Fernleigh", "Greystone", "Hollowmere"])],
     ["Port Alder", "Kingsbridge Water", "Lowmoor"]),
    ("Mercia",
     [("Oakshire", ["Ashby Fold", "Brindlecombe", "Copperton", "Dovecote"]),
      ("Riverdale Shire", ["Elmbridge Vale", "Foxholme", "Gildersby", "Harrowfield"])],
     ["Ironbridge Cross", "Millbrook", "Newhaven Lee"]),
    ("Northumbria",
     [("Fellshire", ["Ashfell", "Brackenmoor", "Crag End", "Dalewick"]),
      ("Tyneholm Shire", ["Eskdale Rise", "Fairburn", "Glenholm", "Hartside"])],
     ["Seacombe", "Tarnwick", "Whinmoor"]),
]


def demo_places() -> list[DemoPlace]:
    """Every demo district with its upper-tier authority, region, CSPs and police force area."""
    places: list[DemoPlace] = []
    district_no = unitary_no = county_no = 1
    for region_index, (region_name, counties, unitaries) in enumerate(_REGIONS):
        region_code = f"E12999{region_index + 1:03d}"
        base_y = region_index * 3
        # Two forces per region: the first county polices with the first unitary,
        # the second county with the other two (forces need not follow counties).
        pfa_codes = [f"E23999{region_index * 2 + 1:03d}", f"E23999{region_index * 2 + 2:03d}"]
        pfa_names = [f"{counties[0][0]} and {unitaries[0]} Police",
                     f"{counties[1][0]} Constabulary"]
        for county_index, (county_name, districts) in enumerate(counties):
            county_code = f"E10999{county_no:03d}"
            county_no += 1
            for d_index, district in enumerate(districts):
                code = f"E07999{district_no:03d}"
                places.append(DemoPlace(
                    code, district, county_code, county_name, region_code, region_name,
                    pfa_codes[county_index], pfa_names[county_index],
                    (f"E22999{district_no:03d}",), (f"{district} Community Safety Partnership",),
                    grid_x=county_index * 2 + d_index % 2, grid_y=base_y + d_index // 2,
                ))
                district_no += 1
        for u_index, unitary in enumerate(unitaries):
            code = f"E06999{unitary_no:03d}"
            pfa_index = 0 if u_index == 0 else 1
            csp_base = 100 + unitary_no * 2
            # Like BCP or Buckinghamshire, the last unitary still has two CSPs
            # that follow its predecessor districts.
            csps = ((f"E22999{csp_base:03d}", f"E22999{csp_base + 1:03d}") if u_index == 2
                    else (f"E22999{csp_base:03d}",))
            names = ((f"{unitary} North CSP", f"{unitary} South CSP") if u_index == 2
                     else (f"{unitary} Community Safety Partnership",))
            places.append(DemoPlace(
                code, unitary, code, unitary, region_code, region_name,
                pfa_codes[pfa_index], pfa_names[pfa_index], csps, names,
                grid_x=1 if u_index == 0 else 4, grid_y=base_y + (2 if u_index == 0 else u_index - 1),
            ))
            unitary_no += 1
    return places
