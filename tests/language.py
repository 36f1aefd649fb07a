"""What counts as a word of the wrong language in a text shown to a reader.

A Chinese reader may see, and only see, these Latin words: each is a name that has no Chinese
form a reader would recognise better, or a quotation. Everything else in Latin letters is English
(or developer text) that a Chinese reader was not meant to see.
"""

from __future__ import annotations

import re

# Justified Latin words in a Chinese interface or file, by why each may stay:
ALLOWED_IN_CHINESE = {
    # file formats on download buttons and in pack names: the formats' own names
    "png", "svg", "csv", "xlsx", "pptx", "pdf", "html", "zip",
    # units written as symbols in Chinese too (km², m²)
    "km", "m",
    # the language switch names the other language in that language, so its reader finds it
    "language", "english",
    # the sample watermark is bilingual on purpose: an image passed on is marked for any reader
    "sample", "data",
    # key names as printed on the keys of a Chinese keyboard and a presenter's clicker
    "pageup", "pagedown", "home", "end", "esc",
    # names with no Chinese form: a checksum algorithm, an economic measure written so in
    # Chinese, licences and the package that carries the statistics bureau's division codes
    "sha", "gdp", "mit", "wtfpl", "npm", "china-division",
}  # fmt: skip

# Chinese an English reader may see: the language switch names Chinese in Chinese, so its reader
# finds it, and the sample watermark is bilingual on purpose.
ALLOWED_IN_ENGLISH = ("中文", "示例数据")

# Addresses are names, not words: web addresses and host names (fx361.com转载).
_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|[A-Za-z0-9.-]+\.(?:com|cn|org|net|gov|edu|json)(?:/\S*)?",
    re.IGNORECASE,
)
# A quotation in a Chinese text keeps its own words: “ten”, “im Jahr 2019”.
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》")
_MARKUP = re.compile(r"<[^>]+>|&[a-z]+;")
# Checksums are digits, not words: a run of hexadecimal digits holding at least one digit.
_HEX = re.compile(r"\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b")
# Text shown through markdown escapes its punctuation (15\-minute); read it unescaped.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~$])")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


def english_in_chinese(text: object, verbatim: tuple[str, ...] = ()) -> set[str]:
    """The Latin words of `text` a Chinese reader should not see: none for a proper Chinese
    text. `verbatim` holds source texts (quotes, titles) that are shown as published."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", str(text or ""))
    for passage in verbatim:
        if passage and passage in text:
            text = text.replace(passage, " ")
    text = _QUOTED.sub(" ", _HEX.sub(" ", _MARKUP.sub(" ", _ADDRESS.sub(" ", text))))
    return {w for w in _LATIN_WORD.findall(text) if w.lower() not in ALLOWED_IN_CHINESE}


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def chinese_in_english(text: object, verbatim: tuple[str, ...] = ()) -> str:
    """A text an English reader sees that is written in Chinese, or ''. Chinese words inside an
    English text (a name, a quoted phrase with its translation beside it) are legitimate; a text
    that is mostly Chinese is not."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", str(text or ""))
    for passage in verbatim:
        if passage and passage in text:
            text = text.replace(passage, " ")
    for passage in ALLOWED_IN_ENGLISH:
        text = text.replace(passage, " ")
    text = _QUOTED.sub(" ", _MARKUP.sub(" ", text))
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return text if _has_chinese(text) and chinese * 2 >= latin else ""


def source_texts(snapshot) -> tuple[str, ...]:
    """Texts shown as their sources published them: quotes, source titles and Chinese source
    names (the allow-list of verbatim text), longest first so a long quote is removed whole."""
    texts = set(snapshot.indicators["quote"]) | set(snapshot.milestones["quote"])
    texts |= set(snapshot.story["quote"]) | set(snapshot.sources["title"])
    texts |= {f"“{q}”" for q in texts}
    return tuple(t for t in sorted(texts, key=len, reverse=True) if t)
