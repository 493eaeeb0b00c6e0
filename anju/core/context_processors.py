from anju.core import nav


def shell(request):
    user = getattr(request, "user", None)
    return {"nav_items": nav.items_for(user) if user else []}
