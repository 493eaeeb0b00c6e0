"""Keep personal data out of public documents (SECURITY.md rows 16–17, DOMAIN.md §7).

Numbers are looked for after the text is normalised the way people actually type them:
full-width characters folded to half-width (``１３８…``, ``４１１０…Ｘ``) and the spaces,
hyphens and dots inside a number dropped (``138-1234-5678``, ``138 1234 5678``,
``411081 19800101 123X``, ``6222 0212 3456 7890 123``). Only groups of three or more digits
are joined, so dates (2022-06-20) and counts ("共 98 户 12 个") stay apart.
"""

from __future__ import annotations

import re
import unicodedata

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
BANK_ACCOUNT = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")
# Separators people put inside a phone, ID or card number (after NFKC folding).
_SEPARATOR = r"[ \u00a0\-\u2010-\u2015\u2212.·]"
_GROUPED = re.compile(rf"(?<![0-9])[0-9]{{3,}}(?:{_SEPARATOR}[0-9]{{3,}}[Xx]?)+(?![0-9])")


class PersonalDataInDocument(ValueError):
    pass


def normalise(text: str) -> str:
    """``text`` with full-width folded to half-width and separators inside long digit
    groups removed (what the patterns are matched against)."""
    folded = unicodedata.normalize("NFKC", text or "")
    return _GROUPED.sub(lambda m: re.sub(_SEPARATOR, "", m.group()), folded)


def find_pi(text: str) -> list[str]:
    plain = normalise(text)
    found = []
    for label, pattern in (("身份证号", ID_NUMBER), ("手机号", MOBILE), ("银行账号", BANK_ACCOUNT)):
        if pattern.search(plain):
            found.append(label)
    return found


def assert_no_pi(*texts: str) -> None:
    for text in texts:
        found = find_pi(text)
        if found:
            raise PersonalDataInDocument(
                f"文中含有{('、'.join(found))}，公开文件不得出现个人敏感信息，请删除后再生成。"
            )
