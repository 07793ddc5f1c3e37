"""Finding, resolving, checking and importing the versioned price tables."""
