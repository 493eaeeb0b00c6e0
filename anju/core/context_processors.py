from anju.core import nav
from anju.core.models import Reminder


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_reminders": 0}
    return {
        "nav_items": nav.items_for(user),
        "unread_reminders": Reminder.objects.for_user(user).unread().count(),
    }
