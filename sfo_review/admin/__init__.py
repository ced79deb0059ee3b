"""User administration (no review content)."""
