from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from anju.accounts import services
from anju.accounts.forms import ChangePasswordForm, LoginForm
from anju.core.access import allow_any_user, public
from anju.core.redirects import safe_next

LOGIN_FAILED = _(
    "登录失败：用户名或密码不正确，或账号已停用、已被临时锁定。连续失败多次将锁定一段时间。"
)


@public
@never_cache
@csrf_protect
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = services.attempt_login(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            return redirect(safe_next(request))
        error = LOGIN_FAILED
    elif request.method == "POST":
        error = LOGIN_FAILED
    context = {
        "form": form,
        "error": error,
        "expired": request.GET.get("expired") == "1",
        "next": safe_next(request, ""),
    }
    return render(request, "accounts/login.html", context)


@public
@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("accounts:login")


@allow_any_user
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect(safe_next(request))
    forced = request.user.must_change_password or request.user.password_expired()
    context = {"form": form, "forced": forced, "min_length": settings.PASSWORD_MIN_LENGTH}
    return render(request, "accounts/password_change.html", context)


@allow_any_user
def otp_setup(request):
    """Enrol a device: only for a user without one (LoginStepsMiddleware sends an enrolled
    user to the code page first; a verified one is told to ask the security admin)."""
    from anju.accounts import otp

    if not otp.may_enrol(request.user):
        if request.user.is_verified():
            messages.info(request, _("您已启用两步验证。更换手机请联系安全管理员重置后重新绑定。"))
            return redirect("core:home")
        return redirect("accounts:otp_verify")
    device = otp.pending_device(request)
    error = None
    if request.method == "POST":
        if otp.verify(request, request.POST.get("code", ""), setup=True):
            messages.success(request, _("两步验证已启用。"))
            return redirect(safe_next(request))
        error = _("验证码不正确或已使用过，请等验证器刷新后输入新的 6 位数字。")
    context = {
        "qr": otp.qr_svg(device),
        "secret": otp.secret_base32(device),
        "error": error,
        "required": otp.required_for(request.user),
    }
    return render(request, "accounts/otp_setup.html", context)


@allow_any_user
def otp_verify(request):
    from anju.accounts import otp

    if request.user.is_verified():
        return redirect(safe_next(request))
    if not otp.has_confirmed_device(request.user):
        return redirect("accounts:otp_setup" if otp.required_for(request.user) else "core:home")
    error = None
    if request.method == "POST":
        if otp.verify(request, request.POST.get("code", "")):
            return redirect(safe_next(request))
        error = _("验证码不正确或已使用过，请输入验证器上最新的 6 位数字。")
    return render(request, "accounts/otp_verify.html", {"error": error})
