"""The register of personal-information fields (SECURITY.md row 28, PIPL Art. 6, GB/T 35273).

Every model field that holds personal information is listed here with its sensitivity
(敏感 = sensitive PI under PIPL Art. 28, 一般 = ordinary PI) and its purpose. A test fails the
build when a model gains a field that looks like PI and is not registered.
"""

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
    "registry.Household.latitude": (SENSITIVE, "住房位置，核对入户定位（行踪轨迹类）"),
    "registry.Household.longitude": (SENSITIVE, "住房位置，核对入户定位（行踪轨迹类）"),
    "registry.Attachment.file": (ORDINARY, "住房照片与档案材料，作为整改证据"),
    "registry.Attachment.latitude": (SENSITIVE, "照片拍摄位置，核验现场真实性"),
    "registry.Attachment.longitude": (SENSITIVE, "照片拍摄位置，核验现场真实性"),
    "accounts.User.full_name": (ORDINARY, "工作人员身份，审计与签字"),
    "audit.AuditEvent.ip": (ORDINARY, "安全审计（网络安全法第二十一条）"),
    "accounts.LoginFailure.ip": (ORDINARY, "登录失败计数与安全审计"),
}

# Field names that look like personal information.
PI_NAME_PATTERN = (
    r"(^id_number(_enc|_hash|_masked)?$|phone|mobile|bank|account_no|card_no|latitude|"
    r"longitude|gps|^photo|^image$|^file$|signature|head_name|full_name|person_name|"
    r"address|^ip$)"
)
