"""The register of personal-information fields (SECURITY.md row 28, PIPL Art. 6, GB/T 35273).

Every model field that holds personal information is listed here with its sensitivity
(敏感 = sensitive PI under PIPL Art. 28, 一般 = ordinary PI) and its purpose. A test fails the
build when a model gains a field that looks like PI and is not registered.
"""

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace

logger = logging.getLogger(__name__)

SENSITIVE = "敏感个人信息"
ORDINARY = "一般个人信息"

PI_FIELDS: dict[str, tuple[str, str]] = {
    "registry.Household.head_name": (ORDINARY, "识别户主，入户核查与台账表述"),
    "registry.Household.id_number_enc": (SENSITIVE, "身份核验；加密存储"),
    "registry.Household.id_number_hash": (
        SENSITIVE,
        "按身份证号匹配导入与精确检索；带密钥哈希，不可还原",
    ),
    "registry.Household.id_number_masked": (ORDINARY, "列表中的脱敏显示"),
    "registry.Household.phone_enc": (ORDINARY, "联系农户；加密存储"),
    "registry.Household.phone_masked": (ORDINARY, "列表中的脱敏显示"),
    # 金融账户: sensitive PI under PIPL Art. 28.
    "registry.Household.bank_account_enc": (SENSITIVE, "补助资金发放核对；加密存储"),
    "registry.Household.bank_account_masked": (ORDINARY, "页面中的脱敏显示（仅后四位）"),
    "registry.Household.latitude": (SENSITIVE, "住房位置，核对入户定位（行踪轨迹类）"),
    "registry.Household.longitude": (SENSITIVE, "住房位置，核对入户定位（行踪轨迹类）"),
    "registry.Attachment.file": (ORDINARY, "住房照片与档案材料，作为整改证据"),
    "registry.Attachment.latitude": (SENSITIVE, "照片拍摄位置，核验现场真实性"),
    "registry.Attachment.longitude": (SENSITIVE, "照片拍摄位置，核验现场真实性"),
    "inspections.SpotCheckPhoto.file": (ORDINARY, "市局抽查入户照片，核实漏报与虚假整改的证据"),
    "inspections.SpotCheckPhoto.latitude": (SENSITIVE, "抽查照片拍摄位置，核验入户真实性"),
    "inspections.SpotCheckPhoto.longitude": (SENSITIVE, "抽查照片拍摄位置，核验入户真实性"),
    "visits.Visit.visitor_name": (ORDINARY, "走访人身份，入户排查责任到人"),
    "visits.Visit.latitude": (SENSITIVE, "走访定位，核对是否到户（行踪轨迹类）"),
    "visits.Visit.longitude": (SENSITIVE, "走访定位，核对是否到户（行踪轨迹类）"),
    "visits.Visit.gps_accuracy": (ORDINARY, "走访定位的精度，判断定位是否可信"),
    "visits.VisitPhoto.file": (ORDINARY, "入户排查照片与户主签字，作为排查证据"),
    "visits.VisitPhoto.latitude": (SENSITIVE, "照片拍摄位置，核验现场真实性"),
    "visits.VisitPhoto.longitude": (SENSITIVE, "照片拍摄位置，核验现场真实性"),
    "visits.UnvisitedReason.phone_checked_on": (ORDINARY, "未走访户的电话核实日期"),
    "visits.UnvisitedReason.phone_check_result": (ORDINARY, "未走访户的电话核实情况"),
    "accounts.User.full_name": (ORDINARY, "工作人员身份，审计与签字"),
    "audit.AuditEvent.ip": (ORDINARY, "安全审计（网络安全法第二十一条）"),
    "rectification.Evidence.file": (ORDINARY, "整改佐证照片与文件，核验整改真实性"),
    "rectification.Evidence.latitude": (SENSITIVE, "佐证照片拍摄位置，核验整改现场真实性"),
    "rectification.Evidence.longitude": (SENSITIVE, "佐证照片拍摄位置，核验整改现场真实性"),
    "reporting.WorkPlan.file": (ORDINARY, "乡镇工作方案，动员部署阶段的工作依据"),
    "reporting.WorkPlan.uploaded_by_name": (ORDINARY, "上传人身份，责任到人"),
    "reporting.WeeklySubmission.prepared_by_name": (ORDINARY, "经办人身份，周报责任到人"),
    "reporting.WeeklySubmission.approved_by_name": (ORDINARY, "审批人身份，周报责任到人"),
    "reporting.WeeklySubmission.reviewed_by_name": (ORDINARY, "审核人身份，审核责任到人"),
    "acceptance.FinalSubmission.docx": (ORDINARY, "整改报告，列明未完成问题所涉农户（户主姓名）"),
    "acceptance.FinalSubmission.xlsx": (ORDINARY, "最终整改台账，问题表述含户主姓名"),
    "acceptance.FinalSubmission.prepared_by_name": (ORDINARY, "经办人身份，总结验收责任到人"),
    "acceptance.FinalSubmission.signed_by_name": (ORDINARY, "主要负责人签字，签字责任到人"),
    "acceptance.FinalSubmission.reviewed_by_name": (ORDINARY, "审核人身份，审核责任到人"),
    "acceptance.SealedScan.file": (ORDINARY, "盖章签字的整改报告扫描件，总结验收的正式材料"),
    "acceptance.SealedScan.uploaded_by_name": (ORDINARY, "上传人身份，责任到人"),
    "monitoring.ListedHousehold.head_name": (ORDINARY, "名单户主，与农户台账比对及登记入档"),
    "monitoring.ListedHousehold.id_number_enc": (
        SENSITIVE,
        "名单与农户台账按身份证号比对；加密存储",
    ),
    "monitoring.ListedHousehold.id_number_hash": (
        SENSITIVE,
        "名单与农户台账按身份证号匹配；带密钥哈希，不可还原",
    ),
    "monitoring.ListedHousehold.id_number_masked": (ORDINARY, "名单列表中的脱敏显示"),
    "monitoring.ListedHousehold.phone_enc": (ORDINARY, "登记入档时预填联系电话；加密存储"),
    "monitoring.ListedHousehold.phone_masked": (ORDINARY, "名单列表中的脱敏显示"),
    "monitoring.ListedPerson.name": (ORDINARY, "名单家庭成员，核对户籍与户主"),
    "monitoring.ListedPerson.id_number_enc": (SENSITIVE, "名单家庭成员身份核对；加密存储"),
    "monitoring.ListedPerson.id_number_hash": (
        SENSITIVE,
        "名单家庭成员按身份证号匹配；带密钥哈希，不可还原",
    ),
    "monitoring.ListedPerson.id_number_masked": (ORDINARY, "名单成员的脱敏显示"),
    "accounts.LoginFailure.ip": (ORDINARY, "登录失败计数与安全审计"),
}

# Field names that look like personal information.
PI_NAME_PATTERN = (
    r"(^id_number(_enc|_hash|_masked)?$|phone|mobile|bank|account_no|card_no|latitude|"
    r"longitude|gps|^photo|^image$|^file$|signature|head_name|full_name|person_name|"
    r"address|^ip$)"
)


# --- removing PI: the tools every app's ``households_anonymised`` receiver uses -------------
def text_mask(name: str) -> str:
    """How a head's name is masked in free text: its first character (the surname, as
    ``head_name`` keeps it) and one ``*`` per further character (王五 → 王*, 欧阳修 → 欧**) —
    never longer than the name, so a replaced text still fits its column (``head_name``
    itself becomes the first character + ``**``: 王五 → 王**)."""
    return name[:1] + "*" * (len(name) - 1)


def scrub_names(rows_of, fields, names, *, dry_run: bool = False) -> int:
    """Replace each household's original name by its mask in ``fields`` (text columns) of
    its rows; ``rows_of(pk)`` is the queryset of the rows linked to household ``pk``.

    Set-wise: one UPDATE per field and name, of only the rows that contain the name
    (``dry_run``: one COUNT instead). Longer names go first, so a text naming 王五一 and
    王五 loses both. Returns the number of (row, field) places changed, or that would be.
    A queryset ``update()`` writes no audit row: the run's row carries the count."""
    total = 0
    for pk, (original, masked) in sorted(names.items(), key=lambda kv: -len(kv[1][0])):
        rows = rows_of(pk)
        for name in fields:
            named = rows.filter(**{f"{name}__contains": original})
            if dry_run:
                total += named.count()
            else:
                total += named.update(**{name: Replace(F(name), Value(original), Value(masked))})
    return total


def delete_after_commit(paths: list[str], what: str = "") -> None:
    """Delete these stored files (thumbnails included by the caller) once the current
    transaction commits; nothing if it rolls back. For ``households_anonymised`` receivers."""
    paths = [p for p in paths if p]
    if paths:
        transaction.on_commit(lambda: _delete_files(paths, what))


def _delete_files(paths: list[str], what: str) -> None:
    failed = 0
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            failed += 1
    if failed:
        logger.warning("anonymise_closed: %s %s files could not be deleted", failed, what or "")
