"""The SQLAdmin console where PMO admins maintain reference data and templates."""
