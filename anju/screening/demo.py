"""Screen the demo county once so its findings are there on first login."""


def build(ctx) -> None:
    ctx.say("演示筛查：尚未实现")
