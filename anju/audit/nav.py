from anju.accounts.roles import Role
from anju.audit.models import AuditEvent
from anju.core import home, nav

nav.register("审计日志", "audit:log", [Role.AUDIT_ADMIN], order=900)


def _recent(request):
    return {"events": AuditEvent.objects.order_by("-id")[:8]}


home.register("audit.recent", "audit/_panel_recent.html", [Role.AUDIT_ADMIN], _recent, order=10)
