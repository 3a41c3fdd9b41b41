"""Wagtail admin customisation for the portal."""
