"""Localized view models and templates per channel: what the user reads, with no I/O."""
