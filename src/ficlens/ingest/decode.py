"""Turn bytes into text: BOMs, UTF-8, UTF-16, cp1252, latin-1, and universal newlines.

>>> decode_text("café".encode("cp1252"))
('café', 'cp1252')
>>> decode_text(b"\\xef\\xbb\\xbfHi\\r\\nthere\\r")
('Hi\\nthere\\n', 'utf-8-sig')
>>> decode_text("It’s ".encode("utf-8") + b"don\\x92t")
('It’s don’t', 'utf-8+cp1252')
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import BinaryInput, UndecodableText

# bytes cp1252 leaves undefined: text with these is latin-1 (or not text at all)
_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): decoded, with newlines normalised as Python's text mode does."""
    text, enc = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_plausible(text)
    return text, enc


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    sample = data[:1024]
    if len(sample) >= 16 and sample[1::2].count(0) > 0.4 * (len(sample) // 2):
        return _strict(data, "utf-16-le")
    if len(sample) >= 16 and sample[0::2].count(0) > 0.4 * (len(sample) // 2):
        return _strict(data, "utf-16-be")
    if b"\x00" in data:
        raise BinaryInput("not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE_RE.search(data):
        # mostly UTF-8 with a few Windows bytes (a fic pasted together from two editors):
        # decoding it all as cp1252 would turn every good "’" into "â€™"
        return data.decode("utf-8", errors=_MIXED), "utf-8+cp1252"
    if any(b in _CP1252_HOLES for b in data):
        return data.decode("latin-1"), "latin-1"
    return data.decode("cp1252"), "cp1252"


_UTF8_MULTIBYTE_RE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_MIXED = "ficlens-cp1252-fallback"


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as cp1252 (latin-1 for the five bytes it leaves undefined)."""
    bad = err.object[err.start : err.end]  # type: ignore[attr-defined]
    chars = "".join(bytes([b]).decode("latin-1" if b in _CP1252_HOLES else "cp1252") for b in bad)
    return chars, err.end  # type: ignore[attr-defined]


codecs.register_error(_MIXED, _cp1252_fallback)


def _strict(data: bytes, enc: str) -> tuple[str, str]:
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise UndecodableText(f"invalid {enc} text at byte {exc.start}") from None


def _check_plausible(text: str) -> None:
    """Reject text that decoded but is mostly control or unassigned characters."""
    sample = text[:20000]
    if not sample:
        return
    bad = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\n\t\f\v")
    )
    if bad > max(8, len(sample) * 0.02):
        raise UndecodableText("the file does not decode to readable text in any supported encoding")
