"""The admin site: for the city administrator (系统管理员) only, scoped like the pages.

Business data with a workflow (ledger entries, submissions) is never registered here, so
the admin cannot bypass a state machine. Audit records are not registered either: only
the audit administrator reads them, on their own page.
"""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from anju.accounts.roles import Role
from anju.core import versions


class AnjuAdminSite(admin.AdminSite):
    site_header = "安居 · 系统管理"
    site_title = "安居系统管理"
    index_title = "用户与行政单位"

    def login(self, request, extra_context=None):
        # One login page for the whole system, with its lock-out and audit.
        return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))

    def password_change(self, request, extra_context=None):
        # One password page for everyone: its policy, its history and its audit record.
        return redirect("accounts:password_change")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.role == Role.CITY_ADMIN


class RoleAdmin(admin.ModelAdmin):
    """Model permissions come from the role, not from Django's per-model permission table."""

    def _allowed(self, request) -> bool:
        return request.user.is_authenticated and request.user.role == Role.CITY_ADMIN

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: history must stay whole

    # The change form carries the version it was opened on; saving over a change made
    # meanwhile is refused (anju/core/versions.py; the admin's change view is one
    # transaction, so the check and the save commit together).
    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = versions.versioned_admin_form(kwargs.get("form", self.form))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or versions.FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], versions.FIELD)}), *rest]


site = AnjuAdminSite(name="admin")
