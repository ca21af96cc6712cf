"""Broadsheet's headless core: models, persistence, ingestion, entities, annotations, export.

Nothing in this package imports Textual; the TUI and the command line are fronts on it.
"""
