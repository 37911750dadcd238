"""Readers for the justice publishers' police force area tables (England and Wales).

- :mod:`.home_office_arrests`: Home Office arrests data tables (ODS), arrests by force.
- :mod:`.ons_pfa_crime`: ONS police force area tables (xlsx): recorded crime, knife crime,
  anti-social behaviour.
- :mod:`.eff_conviction_ratio`: Ethnicity facts and figures, conviction ratio by force and ethnicity.
- :mod:`.eff_stop_search`: Ethnicity facts and figures, stop and search by force and ethnicity.
- :mod:`.force_names`: force names in every publisher's style -> ONS codes, through the ONS lookup.
- :mod:`.tables`, :mod:`.areas`, :mod:`.eff_csv`: shared table reading; rows are built by
  :mod:`assessment.sources.records`, as every publisher reader builds them.

Each reader has the publisher-reader signature of ``sources.snapshot.build_frame``
(``read(path, source_url=..., retrieved_at=..., vintage=..., forces=...)``) and a
recogniser (``sources.recognition``); both are named in ``data_sources/publishers.yaml``.

>>> from assessment.sources.justice import force_names
>>> force_names.split_footnotes("Lancashire2")
('Lancashire', (2,))
"""
