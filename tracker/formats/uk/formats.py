"""Ukrainian: the month in the genitive after the day (29 листопада 2026), as official letters write it."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y H:i"
