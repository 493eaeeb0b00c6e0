"""The audited events (SECURITY.md row 10). A new event is added here, nowhere else."""

from django.db import models


class Event(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    ACCOUNT_LOCKED = "account_locked", "账号锁定"
    ACCOUNT_UNLOCKED = "account_unlocked", "账号解锁"
    SESSION_EXPIRED = "session_expired", "会话超时"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    PERMISSION_DENIED = "permission_denied", "越权访问被拒绝"
    ROLE_CHANGED = "role_changed", "授权变更"
    TOTP_RESET = "totp_reset", "重置两步验证"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    API_READ = "api_read", "接口取数"
    UNMASK = "unmask", "查看完整个人信息"
    ID_REFUSED = "id_refused", "身份证号不予登记"
    SUBMIT = "submit", "报送"
    RETURN = "return", "退回"
    ACCEPT = "accept", "通过"
    SIGN = "sign", "签字"
    REOPEN = "reopen", "重新打开"
    TRANSITION = "transition", "状态变更"
    SETTINGS_CHANGED = "settings_changed", "参数变更"
    AUDIT_REKEYED = "audit_rekeyed", "审计链启用密钥"
    RESTORED = "restored", "从备份恢复"


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"
