"""`jsna build`: a snapshot becomes a report bundle analysed for every area."""
