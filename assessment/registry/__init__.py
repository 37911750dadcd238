"""The registries (data_sources/, boundaries/), loaded and checked against each other."""
