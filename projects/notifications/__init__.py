"""Who hears about an agreement, and the reminders and digests sent to them exactly once."""
