"""Scripts run by hand that derive the data Broadsheet ships (never at install or run time)."""
