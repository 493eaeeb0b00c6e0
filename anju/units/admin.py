from anju.core.admin_site import RoleAdmin, site
from anju.units.models import Unit


class UnitAdmin(RoleAdmin):
    list_display = ("code", "name", "level", "parent", "is_fictional", "is_active")
    list_filter = ("level", "is_fictional", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    def get_queryset(self, request):
        return Unit.objects.for_user(request.user).select_related("parent")


site.register(Unit, UnitAdmin)
