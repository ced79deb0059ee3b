"""The review list (`/`): search, filters, sorting, pages and the CSV export."""
