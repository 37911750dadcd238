"""What a title or a table calls an area, saying what it is when the name alone is ambiguous."""

from __future__ import annotations


def area_title(name: str, kind: str) -> str:
    """What a title calls the area, saying what it is ("Lancashire police force area", "Lancashire County Council").

    >>> area_title("Lancashire", "police force area"), area_title("Lancashire", "county council")
    ('Lancashire police force area', 'Lancashire County Council')
    >>> area_title("Northmere and Port Alder Police", "police force area"), area_title("Blackpool", "unitary authority")
    ('Northmere and Port Alder Police', 'Blackpool (unitary authority)')
    """
    lowered = name.lower()
    if kind == "police force area":
        return name if lowered.endswith(("police", "constabulary")) else f"{name} police force area"
    if kind == "county council":
        return name if lowered.endswith("council") else f"{name} County Council"
    return name if lowered.endswith(kind) else f"{name} ({kind})"
