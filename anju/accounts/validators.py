"""Password and username rules (SECURITY.md rows 1 and 6)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORBIDDEN_USERNAMES = frozenset({"admin", "root", "sa", "test", "guest", "administrator"})
PASSWORD_MAX_LENGTH = 128


def character_classes(password: str) -> int:
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


class CharacterClassValidator:
    """At least ``min_classes`` of lower case, upper case, digits and symbols (等保 8.1.4.1 a)."""

    def __init__(self, min_classes: int | None = None):
        self.min_classes = min_classes or settings.PASSWORD_MIN_CLASSES

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {
            "n": self.min_classes
        }


class MaximumLengthValidator:
    """Long passphrases are welcome (ASVS 6.2.9: at least 64 allowed); a cap stops abuse."""

    def validate(self, password, user=None):
        if len(password) > PASSWORD_MAX_LENGTH:
            raise ValidationError(
                ngettext(
                    "密码不能超过 %(n)d 个字符。",
                    "密码不能超过 %(n)d 个字符。",
                    PASSWORD_MAX_LENGTH,
                )
                % {"n": PASSWORD_MAX_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self):
        return _("密码最长 %(n)d 个字符。") % {"n": PASSWORD_MAX_LENGTH}


def validate_username_not_default(value: str) -> None:
    if value.strip().lower() in FORBIDDEN_USERNAMES:
        raise ValidationError(
            _("用户名“%(name)s”是常见的默认账号名，不允许使用。") % {"name": value},
            code="default_username",
        )
