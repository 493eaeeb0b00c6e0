"""The signed final reports are verifiable (SECURITY.md row 25).

At signing the head's signature stores the SHA-256 of the generated 整改报告 (.docx) and
整改台账 (.xlsx), the content hash of the frozen ledger and a seal over all of them with the
signer and the server time (``services.seal_of``). ``verify()`` reads every signed
submission's stored files again and names each one whose bytes, frozen ledger or seal no
longer match what was signed (a flipped byte, a swapped file, an edited column).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anju.acceptance.models import FinalSubmission
from anju.acceptance.services import file_sha256, seal_of
from anju.rectification.snapshot import content_hash


@dataclass(frozen=True)
class Problem:
    submission_id: int
    label: str
    reason: str

    def __str__(self) -> str:
        return f"总结验收材料 #{self.submission_id}（{self.label}）：{self.reason}"


def _label(s: FinalSubmission) -> str:
    if s.signed_at is None:  # verify() reads signed ones only
        return f"{s.township.name}，未签字"
    signed = s.signed_at.astimezone(dt.UTC)
    return f"{s.township.name}，{s.signed_by_name} {signed:%Y-%m-%d %H:%M:%S} UTC 签字"


def check(s: FinalSubmission) -> list[Problem]:
    label = _label(s)
    problems = []
    for name, field, stored in (
        ("整改报告（.docx）", s.docx, s.docx_sha256),
        ("整改台账（.xlsx）", s.xlsx, s.xlsx_sha256),
    ):
        actual = file_sha256(field) if field else None
        if actual is None:
            problems.append(Problem(s.pk, label, f"签字的{name}文件缺失（{field.name or '无'}）"))
        elif actual != stored:
            problems.append(
                Problem(
                    s.pk,
                    label,
                    f"签字的{name}文件 {field.name} 与签字时的 SHA-256 不符（签字后被改动）",
                )
            )
    snapshot = s.snapshot if isinstance(s.snapshot, list) else []
    if content_hash(snapshot) != s.ledger_hash:
        problems.append(Problem(s.pk, label, "冻结的台账与签字时的内容哈希不符（签字后被改动）"))
    if seal_of(s) != s.seal:
        problems.append(
            Problem(s.pk, label, "签字摘要与记录的文件哈希、签字人或时间不符（签字后被改动）")
        )
    return problems


def verify() -> list[Problem]:
    problems: list[Problem] = []
    signed = FinalSubmission.objects.signed().select_related("township").order_by("id")
    for s in signed.iterator(chunk_size=200):
        problems.extend(check(s))
    return problems


def count() -> int:
    return FinalSubmission.objects.signed().count()
