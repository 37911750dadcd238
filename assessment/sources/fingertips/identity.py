"""Is each catalogue id still the indicator the catalogue means? Checked at fetch time, by name.

Every Fingertips id in the catalogue, verified or not, is looked up in the
API's metadata and its published name compared with the name the catalogue
expects (``fingertips_name``, else ``title``):

- the names agree: the indicator is fetched (``confirmed``);
- they disagree: that indicator is stopped, with both names (``mismatch``);
- the API does not know the id, or (where the API lists profiles) a PHOF
  indicator is no longer in the PHOF profile: the PHOF profile is searched by
  the entry's PHOF code, then by name, and a single match is fetched instead
  (``resolved``, recorded in the snapshot); no single match stops it
  (``unknown``).

Names are compared on their words, ignoring case, punctuation, a leading code
("C20 - ") and small words, because the two APIs word the same indicator
differently ("aged 15 years and under" for "(under 16s)"):

>>> same_indicator(["Children in absolute low income families (under 16s)"],
...                "Children in absolute low income families aged 15 years and under")
True
>>> same_indicator(["Continuity of care after release from prison"], "Suicide rate")
False
>>> find_in_profile({"93764": "C21 - Admission episodes for alcohol-related conditions (Narrow): new method",
...                  "41001": "E10 - Suicide rate"}, "C21")
[('93764', 'C21 - Admission episodes for alcohol-related conditions (Narrow): new method')]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ...core.errors import SourceError
from ...inputs.answer_shapes import MalformedAnswer
from ..catalogue import CatalogueEntry

PHOF_PROFILE_ID = 19
#: Words too common to tell two indicators apart.
SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "for", "from", "to", "with", "by", "on", "or", "at",
               "who", "per", "all", "aged", "years", "year", "yrs"}
CODE_PREFIX = re.compile(r"^\s*[A-Z]?\d+(\.\d+)?[a-z]*(\([ivx]+\)|[ivx]+)?\s*[-:–]\s+")
AGREEMENT = 0.75  # share of the shorter name's words the other must contain


def normalise(name: str) -> str:
    """Lower-case words of a name without its leading code or punctuation.

    >>> normalise("C19a - Successful completion of drug treatment: opiate users")
    'successful completion of drug treatment opiate users'
    """
    text = CODE_PREFIX.sub("", str(name))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _words(name: str) -> set[str]:
    return {w for w in normalise(name).split() if w not in SMALL_WORDS}


def same_indicator(expected_names: list[str], published: str) -> bool:
    """Whether a published name is one of the expected names, worded either API's way."""
    theirs = _words(published)
    for expected in expected_names:
        ours = _words(expected)
        if not ours or not theirs:
            continue
        if normalise(expected) in normalise(published) or normalise(published) in normalise(expected):
            return True
        shared = len(ours & theirs)
        if shared >= AGREEMENT * min(len(ours), len(theirs)) and shared >= 0.5 * max(len(ours), len(theirs)):
            return True
    return False


def find_in_profile(names: dict[str, str], code_or_name: str) -> list[tuple[str, str]]:
    """Indicators of a profile listing whose name starts with a code ("C20") or contains the text."""
    text = code_or_name.strip().lower()
    by_code = [(i, n) for i, n in names.items() if re.match(rf"{re.escape(text)}\b", n.strip().lower())]
    return by_code or [(i, n) for i, n in names.items() if text in n.lower()]


@dataclass
class Identity:
    """The fetch-time check of one catalogue indicator (stored in the snapshot)."""

    key: str
    catalogue_id: str
    expected: list[str]
    status: str                    # confirmed | resolved | mismatch | unknown
    fetched_id: str | None = None  # the id fetched (another than catalogue_id when resolved)
    published: str = ""
    message: str = ""
    notes: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("confirmed", "resolved")

    def record(self) -> dict:
        return asdict(self)


def expected_names(entry: CatalogueEntry) -> list[str]:
    """The names the catalogue accepts for an entry: its Fingertips name(s), then its title."""
    names = entry.fingertips_name if isinstance(entry.fingertips_name, list) else [entry.fingertips_name]
    return [n for n in names if n] + [entry.title]


def _resolve(entry: CatalogueEntry, expected: list[str], profile: dict[str, str]) -> list[tuple[str, str]]:
    """Profile indicators that could replace an entry's id: by PHOF code, then by name; names must agree."""
    if entry.phof_new:
        by_code = [(i, n) for i, n in find_in_profile(profile, entry.phof_new) if same_indicator(expected, n)]
        if len(by_code) == 1:
            return by_code
    return [(i, n) for i, n in profile.items() if same_indicator(expected, n)]


def check_identities(entries: list[CatalogueEntry], backend, directory=None,
                     profile_id: int = PHOF_PROFILE_ID) -> list[Identity]:
    """Check every entry's id against ``backend``'s metadata (see the module docstring).

    ``directory`` is the API that lists the PHOF profile (the backend itself
    when it can; FingertipsNext cannot, so the legacy API is used when it
    answers); without one, ids are checked by name only.
    """
    ids = [e.frame_id for e in entries]
    published = backend.published_names(ids)
    profile = None
    for source in (backend, directory):
        if source is not None and profile is None:
            try:
                profile = source.profile_names(profile_id)
            except MalformedAnswer:  # the list came but is broken: say so, rather than check by name only
                raise
            except SourceError:
                profile = None
    label = backend.label
    checks = []
    for entry in entries:
        expected = expected_names(entry)
        catalogue_id = entry.frame_id
        name = published.get(catalogue_id)
        notes = "" if profile is not None else f"PHOF profile not listed ({label} lists no profiles)"
        if name is not None and not same_indicator(expected, name):
            checks.append(Identity(entry.key, catalogue_id, expected, "mismatch", None, name,
                                   f"{label} indicator {catalogue_id} ({entry.key}) is named '{name}', "
                                   f"not '{expected[0]}' as data_sources/indicators.yaml expects: not fetched "
                                   "(check the id; PHOF ids change between editions)", notes))
            continue
        superseded = (name is not None and profile is not None and entry.phof_new and catalogue_id not in profile)
        if name is not None and not superseded:
            checks.append(Identity(entry.key, catalogue_id, expected, "confirmed", catalogue_id, name, "", notes))
            continue
        candidates = _resolve(entry, expected, profile) if profile is not None else []
        candidates = [(i, n) for i, n in candidates if i != catalogue_id]
        if len(candidates) == 1:
            new_id, new_name = candidates[0]
            why = (f"not in the PHOF profile (superseded); PHOF {entry.phof_new} is now {new_id}" if superseded
                   else f"unknown to {label}; found in the PHOF profile as {new_id}")
            checks.append(Identity(entry.key, catalogue_id, expected, "resolved", new_id,
                                   published.get(new_id, new_name), f"indicator {catalogue_id} ({entry.key}) {why} "
                                   f"'{new_name}'", notes))
        elif superseded:
            checks.append(Identity(entry.key, catalogue_id, expected, "confirmed", catalogue_id, name, "",
                                   f"not in the PHOF profile; no single PHOF {entry.phof_new} match to use instead"))
        else:
            listed = "; ".join(f"{i} '{n}'" for i, n in candidates[:5]) or "none"
            checks.append(Identity(entry.key, catalogue_id, expected, "unknown", None, "",
                                   f"{label} does not know indicator {catalogue_id} ({entry.key}, '{expected[0]}') "
                                   f"and the PHOF profile has no single match (candidates: {listed}): not fetched",
                                   notes))
    if any(c.status == "resolved" for c in checks):
        resolved = [c.fetched_id for c in checks if c.status == "resolved" and c.fetched_id not in published]
        if resolved:
            published.update(backend.published_names(resolved))
            for check in checks:
                if check.status == "resolved" and check.fetched_id in published:
                    check.published = published[check.fetched_id]
    return checks
