"""Visits are business data: the three administrators (三员分立) see none of it, so nothing is
registered here (the admin site would hide an unlisted model anyway: fail closed). The desk manages
budgets, quiet periods and plans through the app's own pages and API."""
