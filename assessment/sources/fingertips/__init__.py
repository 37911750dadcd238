"""OHID Fingertips: the legacy API and FingertipsNext, into the tidy frame."""
