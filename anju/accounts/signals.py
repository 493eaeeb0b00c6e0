from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from anju.audit.context import actor_for, client_ip
from anju.audit.events import Event
from anju.audit.services import record


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "_anju_logout_reason", "user")
        event = Event.SESSION_EXPIRED if reason != "user" else Event.LOGOUT
        # The session middleware may end a session before the actor is set for the request:
        # the user whose session ends is the actor, with the request's address.
        actor = actor_for(user, client_ip(request))
        record(event, obj=user, detail={"reason": reason}, actor=actor)
