from anju.audit.context import acting_as, client_ip


class ActorMiddleware:
    """Makes the request's user the actor for every audit record written while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(getattr(request, "user", None), ip=client_ip(request)):
            return self.get_response(request)
