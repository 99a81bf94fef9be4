"""Reporting: flat rows, portfolio summaries and trends for BI tools and dashboards."""
