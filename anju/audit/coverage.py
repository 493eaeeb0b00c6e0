"""Which audited events each state-changing view writes (SECURITY.md row 10).

Every view that accepts a POST (or is a Django-admin add/change/delete page) is listed here
with the events it records, or in ``NOT_AUDITED`` with the reason it records none. A test
walks the URLconf and fails when a view that changes something is missing from both — a new
page cannot ship without deciding what it audits. Model saves of ``AuditedModel`` write
create/update/delete rows by themselves; the other events are written by the services.
"""

from __future__ import annotations

from anju.audit.events import Event as E

C, U, D = E.CREATE, E.UPDATE, E.DELETE

AUDITED_VIEWS: dict[str, frozenset[E]] = {
    name: frozenset(events)
    for name, events in {
        # accounts and security
        "accounts:login": (E.LOGIN, E.LOGIN_FAILED, E.ACCOUNT_LOCKED),
        "accounts:logout": (E.LOGOUT,),
        "accounts:password_change": (E.PASSWORD_CHANGED,),
        "accounts:otp_verify": (E.LOGIN, E.LOGIN_FAILED),
        "accounts:otp_setup": (E.LOGIN, E.LOGIN_FAILED),
        "accounts:security_detail": (E.ROLE_CHANGED,),
        "accounts:security_action": (
            E.ACCOUNT_UNLOCKED,
            E.TOTP_RESET,
            E.PASSWORD_RESET,
            E.ROLE_CHANGED,
            U,
        ),
        "api_pages:tokens": (C,),
        "api_pages:revoke": (U,),
        "audit:export": (E.EXPORT,),
        # rounds
        "campaigns:create": (C,),
        "campaigns:edit": (U,),
        "campaigns:step": (E.TRANSITION, U),
        "campaigns:carry": (E.TRANSITION, U),
        # registry
        "registry:household_create": (C, E.ID_REFUSED),
        "monitoring:register": (C,),
        "monitoring:lists": (E.IMPORT,),
        "monitoring:version_confirm": (E.IMPORT,),
        "registry:household_unmask": (E.UNMASK,),
        "registry:household_edit": (U, E.ID_REFUSED),
        "registry:assessment_create": (C,),
        "registry:renovation_edit": (C, U),
        "registry:photo_upload": (C,),
        "registry:import_upload": (E.IMPORT, E.ID_REFUSED),
        "registry:import_confirm": (E.IMPORT, E.ID_REFUSED),
        "registry:import_retry": (E.IMPORT, E.ID_REFUSED),
        "registry:export": (E.EXPORT,),
        # screening
        "screening:confirm": (E.TRANSITION,),
        "screening:dismiss": (E.TRANSITION,),
        "screening:overturn": (E.TRANSITION,),
        "screening:uphold": (E.TRANSITION,),
        "screening:rule_edit": (E.SETTINGS_CHANGED,),
        "screening:runs": (C,),
        # visits
        "visits:visit_form": (C, U),
        "visits:explain": (C, U),
        "visits:check_flags": (U,),
        "visits:correction": (E.ACCEPT, U),
        "visits:problem": (E.ACCEPT, C, U),
        # ledger
        "rectification:from_findings": (C,),
        "rectification:entry_transition": (E.TRANSITION,),
        "rectification:note_add": (C,),
        "rectification:evidence_upload": (C,),
        "rectification:draft_discard": (D, U),
        "rectification:draft_join": (U,),
        "rectification:export_official": (E.EXPORT,),
        "rectification:export_internal": (E.EXPORT,),
        "rectification:export_county": (E.EXPORT,),
        # weekly reports and final acceptance
        "reporting:schedule_edit": (U,),
        "reporting:work_plan_upload": (C,),
        "reporting:prepare": (C, U),
        "reporting:refresh": (U,),
        "reporting:approve": (E.SUBMIT,),
        "reporting:send_back": (E.RETURN,),
        "reporting:accept": (E.ACCEPT,),
        "reporting:return": (E.RETURN,),
        "reporting:download": (E.EXPORT,),
        "acceptance:prepare": (C, U),
        "acceptance:sign": (E.SIGN,),
        "acceptance:upload_scan": (C,),
        "acceptance:accept": (E.ACCEPT,),
        "acceptance:return": (E.RETURN,),
        "acceptance:reopen": (E.REOPEN,),
        "acceptance:download": (E.EXPORT,),
        "acceptance:download_scan": (E.EXPORT,),
        # spot-checks, notices, publicity, overview
        "inspections:plan": (C,),
        "inspections:assign": (U,),
        "inspections:confirm": (U,),
        "inspections:publish": (U,),
        "inspections:visit": (C, U),
        "notices:propose": (C,),
        "notices:edit": (U,),
        "notices:add_unit": (C, U),
        "notices:issue": (E.SUBMIT,),
        "notices:discard": (D, U),
        "notices:download": (E.EXPORT,),
        "publicity:list": (C, E.EXPORT),
        "overview:summary_docx": (E.EXPORT,),
        "overview:summary_xlsx": (E.EXPORT,),
        # the admin site (city admin: users and units; same rules as the pages)
        "admin:accounts_user_add": (C, E.ROLE_CHANGED),
        "admin:accounts_user_change": (U, E.ROLE_CHANGED),
        "admin:accounts_user_delete": (D,),
        "admin:accounts_user_changelist": (U, D),
        "admin:auth_user_password_change": (U,),  # issues a password: must change at login
        "admin:units_unit_add": (C,),
        "admin:units_unit_change": (U,),
        "admin:units_unit_delete": (D,),
        "admin:units_unit_changelist": (U, D),
    }.items()
}

# Views that accept a POST but change no business or security data, and why.
NOT_AUDITED: dict[str, str] = {
    "campaigns:view": "只在本人会话中记住正在查看哪一轮（界面状态，不改任何数据）",
    "core:reminders_read": "只把本人的提醒标记为已读（个人界面状态，不是业务数据）",
    "screening:rule_preview": "只计算参数修改后的命中户数，不保存任何数据",
    "admin:password_change": "只转到统一的修改密码页（那里按密码策略修改并记录审计）",
    "overview:refresh": "重新计算统计快照（由业务数据派生，可随时重算），不改业务数据",
    "registry:household_list": "查找用 POST 提交（身份证号、电话不进网址和访问日志），只转到结果页",
    "rectification:ledger_list": "查找用 POST 提交（身份证号、电话不进网址和访问日志），只转到结果页",
    "visits:worklist": "查找用 POST 提交（身份证号、电话不进网址和访问日志），只转到结果页",
}
