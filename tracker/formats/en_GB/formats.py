"""British English: 29 Nov 2026, and times on the 24-hour clock as the programme office writes them."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
