"""Pages of the security administrator (安全管理员)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.accounts import security
from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.core import versions
from anju.core.access import allow
from anju.core.versions import versioned
from anju.units.models import Unit


@allow(Role.SECURITY_ADMIN)
def account_list(request):
    users = User.objects.select_related("unit").order_by("unit__code", "username")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role == "none":
        users = users.filter(role="")
    elif role in Role.values:
        users = users.filter(role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True, user__in=list(page)).values_list(
            "user_id", flat=True
        )
    )
    rows = [(u, security.is_locked(u), u.pk in enrolled) for u in page]
    return render(
        request,
        "accounts/security_list.html",
        {"page": page, "rows": rows, "q": q, "role": role, "roles": Role.choices},
    )


@versioned
@allow(Role.SECURITY_ADMIN)
def account_detail(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    error = None
    status = 200
    if request.method == "POST":
        role = request.POST.get("role", "")
        try:
            unit = Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
            what = f"账号 {user.username} 的授权"
            with versions.editing(user, versions.submitted(request.POST), what=what):
                security.grant(actor=request.user, user=user, role=role, unit=unit)
            messages.success(request, f"已将 {user} 授权为 {user.role_label}（{user.unit}）。")
            return redirect("accounts:security_detail", pk=user.pk)
        except versions.StaleEdit as exc:
            versions.refuse(request, exc)
            chosen = dict(Role.choices).get(role, "无")
            messages.info(request, f"您选择的授权（未保存）：{chosen}，{unit or '未选单位'}。")
            user.refresh_from_db()
            status = versions.CONFLICT
        except PermissionDenied as exc:
            error = str(exc)
        except ValidationError as exc:
            error = "；".join(exc.messages)
            user.refresh_from_db()
    return _detail(request, user, error=error, status=status)


def _detail(request, user: User, status: int = 200, **extra):
    units = Unit.objects.filter(is_active=True).select_related("parent").order_by("code")
    return render(
        request,
        "accounts/security_detail.html",
        {
            "account": user,
            "roles": Role.choices,
            "units": units,
            "locked": security.is_locked(user),
            "enrolled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "has_password": user.has_usable_password(),
            **extra,
        },
        status=status,
    )


@allow(Role.SECURITY_ADMIN)
@require_POST
def account_action(request, pk: int, action: str):
    user = get_object_or_404(User, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "unlock":
            security.unlock(actor=request.user, user=user)
            messages.success(request, "已解除锁定。")
        elif action == "reset_totp":
            security.reset_totp(actor=request.user, user=user, reason=reason)
            messages.success(request, "已重置两步验证，该用户下次登录时需重新绑定。")
        elif action == "reset_password":
            issued = security.reset_password(actor=request.user, user=user, reason=reason)
            # shown once, in this answer only (never in a message kept in the session)
            return _detail(request, user, issued_password=issued)
        elif action == "disable":
            security.set_active(actor=request.user, user=user, active=False)
            messages.success(request, "已停用账号并结束其会话。")
        elif action == "enable":
            security.set_active(actor=request.user, user=user, active=True)
            messages.success(request, "已启用账号。")
        elif action == "revoke":
            security.revoke(actor=request.user, user=user)
            messages.success(request, "已收回授权。")
        else:
            messages.error(request, "未知操作。")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("accounts:security_detail", pk=user.pk)
