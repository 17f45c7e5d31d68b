"""Ingest: every way data enters the store — validated importers of the registers a city holds, and the demo region."""
