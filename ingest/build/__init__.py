"""Building source graphs: parsed lists, notices and the curated files as the triples they state."""
