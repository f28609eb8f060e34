"""What the importer and runs report, stored as codes with parameters and translated when shown.

A batch refused on a Chinese-speaking office's upload must read in English for an English
reader of the same report, so nothing is stored as finished text: a rejected row keeps a code
of `REJECTION_REASONS`, a batch or a run keeps a code of `MESSAGES` and its parameters (numbers,
column names, the technical error). Rows and batches recorded before the codes existed keep
their stored text, which is shown as it is.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

#: Why a row of a file was rejected. The importer's validation keeps one small integer per row,
#: an index into REJECTION_CODES (0: no problem; 2–5 are the credit-code checks of codes.py).
REJECTION_REASONS = {
    "missing_id": _("The record id is missing"),
    "code_length": _("The unified social credit code must have 18 characters"),
    "code_character": _("The unified social credit code contains a character that is not allowed "
                        "(I, O, S, V and Z are not used)"),
    "code_region": _("Characters 3–8 of the unified social credit code must be the digits of an "
                     "administrative-division code"),
    "code_check_digit": _("The check digit of the unified social credit code is wrong"),
    "missing_name": _("The organisation name is missing"),
    "bad_date": _("The date cannot be read (expected YYYY-MM-DD)"),
    "bad_removed_on": _("The removal / end date cannot be read (expected YYYY-MM-DD)"),
    "bad_amount": _("The amount is not a valid non-negative number"),
    "bad_signed_amount": _("The amount is not a valid number"),
    "bad_deaths": _("The number of deaths is not a valid non-negative whole number"),
    "too_long": _("A text is longer than allowed"),
    "duplicate_id": _("The record id repeats an earlier row of the file"),
    "nul_character": _("A cell contains a NUL character (byte 0), which cannot be stored; it is shown as ␀"),
}
REJECTION_CODES = ["", *REJECTION_REASONS]

#: The Chinese texts the importer stored before the codes (for migration 0008 and old rows).
LEGACY_REJECTION_TEXTS = {
    "缺少记录编号": "missing_id",
    "统一社会信用代码应为18位": "code_length",
    "统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z）": "code_character",
    "统一社会信用代码第3–8位应为行政区划代码数字": "code_region",
    "统一社会信用代码校验位错误": "code_check_digit",
    "缺少主体名称": "missing_name",
    "日期无法识别（应为YYYY-MM-DD）": "bad_date",
    "移出/截止日期无法识别（应为YYYY-MM-DD）": "bad_removed_on",
    "金额不是有效的非负数字": "bad_amount",
    "金额不是有效的数字": "bad_signed_amount",
    "死亡人数不是有效的非负整数": "bad_deaths",
    "文本超过长度限制": "too_long",
    "记录编号在文件中重复": "duplicate_id",
}

#: Messages of batches and runs; their parameters are named in the text.
MESSAGES = {
    "unparsable": _("The file cannot be parsed: %(error)s"),
    "unknown_encoding": _("The file's encoding is not recognised: line %(line)s holds bytes that are neither "
                          "UTF-8 nor GBK. Save the file as UTF-8 or GBK and upload it again."),
    "missing_columns": _("The file lacks required columns: %(columns)s."),
    "no_rows": _("The file has no data rows."),
    "rows_rejected": _("%(n)s rows failed the checks, so nothing of the file was imported. Correct them and "
                       "upload the file again, or choose to import only the rows that pass."),
    "failed": _("The import failed and nothing was imported: %(error)s"),
    "failed_database": _("The database refused the import and nothing was imported. The details are in the "
                         "server log (batch %(batch)s)."),
    "all_rejected": _("All %(n)s rows failed the checks, so nothing was imported. Correct them and upload the "
                      "file again."),
    "chunks_not_done": _("Chunks not done: %(chunks)s"),
}


def rejection_reason(code: str, stored: str = "") -> str:
    """A rejected row's reason in the active language (an old row's stored text as it is)."""
    text = REJECTION_REASONS.get(code)
    return str(text) if text is not None else stored


def render_message(code: str, params: dict | None, stored: str = "") -> str:
    """A batch's or run's message in the active language (an old one's stored text as it is)."""
    text = MESSAGES.get(code)
    if text is None:
        return stored
    separator = pgettext("list separator", ", ")
    values = {key: separator.join(str(v) for v in value) if isinstance(value, list) else value
              for key, value in (params or {}).items()}
    try:
        return str(text) % values
    except (KeyError, TypeError, ValueError):  # parameters that do not fit: show the code's text bare
        return f"{text} {params}"
