"""Text measurement without font metrics, for laying out boxes and labels before a browser draws them.

Estimates are deliberately generous: 1 em per wide character (CJK, full-width and
East Asian ambiguous ones, which CJK fonts draw full width) and 0.55 em per other.
"""

from __future__ import annotations

import unicodedata


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F", "A"}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width of ``text`` in px at font ``size``; bold is taken as 8 % wider."""
    ems = sum(1.0 if is_wide(ch) else 0.55 for ch in text)
    return ems * size * (1.08 if bold else 1.0)


def _tokens(text: str) -> list[str]:
    """Wrap units: each wide character alone; other runs up to and including a space."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if is_wide(ch):
            tokens += [word, ch] if word else [ch]
            word = ""
        else:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
    return [*tokens, word] if word else tokens


def _greedy(text: str, size: float, width: float, bold: bool) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        if current.strip() and text_width((current + token).rstrip(), size, bold=bold) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return [*lines, current.rstrip()] if current.strip() or not lines else lines


def wrap(text: str, size: float, width: float, *, bold: bool = False, balanced: bool = False) -> list[str]:
    """Lines of at most ``width`` px, broken at spaces (Latin) or between characters (CJK).

    Greedy; with ``balanced`` the width is then narrowed while the line count
    stays the same, so that a last line does not hold a lone word. A single word
    wider than ``width`` keeps a line of its own (callers size boxes from the
    lines returned, so nothing overflows).
    """
    lines = _greedy(text, size, width, bold)
    while balanced and len(lines) > 1 and width > size:
        narrower = _greedy(text, size, width - size / 2, bold)
        if len(narrower) != len(lines):
            break
        lines, width = narrower, width - size / 2
    return lines
