# English pages: "30 Nov 2026" (day first, as in the Chinese order of the parts, no US month-first).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
