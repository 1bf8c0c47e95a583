"""meetings (issue 4)."""
