"""safety (issue 4)."""
