"""suggestions (issue 4)."""
