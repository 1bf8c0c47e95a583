"""visits (issue 4)."""
