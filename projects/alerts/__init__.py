"""Conditional alerts: rules evaluated daily, each occurrence raised once, acknowledged or snoozed by staff."""
