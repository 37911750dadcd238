"""The bottom room: errors, paths, atomic files, safe text, the geography levels table."""
