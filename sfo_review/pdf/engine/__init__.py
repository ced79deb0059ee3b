"""The adapter: every touch of WeasyPrint's and pydyf's internals (docs/pdf.md)."""
