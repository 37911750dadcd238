"""`jsna fetch` and `jsna import`: dated snapshots of every source."""
