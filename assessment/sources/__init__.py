"""Loaders: public publishers and the Fingertips API into the tidy frame."""
