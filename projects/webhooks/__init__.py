"""Signed webhooks (Standard Webhooks): endpoints, the event outbox, deliveries and their attempts."""
