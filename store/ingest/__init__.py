"""Ingestion: seed files, feeds and article pages into the store."""
