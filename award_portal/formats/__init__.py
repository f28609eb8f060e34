"""Date formats per language (settings.FORMAT_MODULE_PATH). Templates write `|date` or
`|date:"DATETIME_FORMAT"` and never a hard-coded pattern where people read the date: Chinese
pages show 2026年11月30日, English pages 30 Nov 2026. Formats not set here come from Django."""
