"""Synthetic households for the demo county (filled in by the registry demo generator)."""


def build(ctx) -> None:
    ctx.say("演示农户：尚未实现")
