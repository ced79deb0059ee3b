"""The figures behind GET /api/v1/themes and the leadership dashboard, one module per section.

Every section is a few aggregate queries over the reviews in a `Scope` (the reviews the
caller may see, narrowed by the filters): the number of queries never depends on the
number of reviews. `services.themes.themes()` puts the sections together; the API returns
them as JSON and the dashboard draws them, so both show the same figures.
"""
