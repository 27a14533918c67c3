"""Chinese input formats with ISO first.

A form widget shows its value in the first input format of the language. Django's Chinese one is
"2026/12/02", which a browser's date box refuses: it shows the box empty, and a required date then
stops the form in the browser. ISO first keeps every date box filled; the Chinese spellings are
still accepted.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y年%n月%j日 %H:%M",
    "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%n月%j日 %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S.%f",
]
