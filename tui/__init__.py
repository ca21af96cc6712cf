"""Broadsheet's fronts: the Textual app and the ``broadsheet`` command line."""
