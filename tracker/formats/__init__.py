"""Date and number formats per language, beside Django's own (which fill in every format not set here)."""
