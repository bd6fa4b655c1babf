"""Finding candidates: the full-text document per candidate, its index, the search page."""
