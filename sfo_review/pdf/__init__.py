"""The PDF engine: the reports' HTML (content.py, redact.py, breaks.py) laid out by
WeasyPrint (render.py) through a static-only fetcher, within a time limit (deadline.py).
WeasyPrint's and pydyf's internals are touched only from engine/ (docs/pdf.md)."""
