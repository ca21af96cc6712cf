"""Broadsheet's widgets."""
