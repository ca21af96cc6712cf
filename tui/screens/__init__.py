"""Broadsheet's screens."""
