"""Keep personal data out of public documents (SECURITY.md rows 16–17, DOMAIN.md §7)."""

from __future__ import annotations

import re

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
BANK_ACCOUNT = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")


class PersonalDataInDocument(ValueError):
    pass


def find_pi(text: str) -> list[str]:
    found = []
    for label, pattern in (("身份证号", ID_NUMBER), ("手机号", MOBILE), ("银行账号", BANK_ACCOUNT)):
        if pattern.search(text or ""):
            found.append(label)
    return found


def assert_no_pi(*texts: str) -> None:
    for text in texts:
        found = find_pi(text)
        if found:
            raise PersonalDataInDocument(
                f"文中含有{('、'.join(found))}，公开文件不得出现个人敏感信息，请删除后再生成。"
            )
