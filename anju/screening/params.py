"""Rule parameters per campaign: defaults from the catalogue, overrides on the campaign."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError

from anju.screening import rules
from anju.screening.rules.base import DAYS, Params, Rule, num


def effective(campaign, rule: Rule) -> Params:
    """The rule's parameters for this campaign (a stored value that no longer validates
    falls back to the catalogue's default rather than stopping the run)."""
    values = rule.defaults()
    stored = campaign.overrides_for(rule.code) if campaign is not None else {}
    for param in rule.params:
        if param.name in stored:
            with contextlib.suppress(ValidationError):
                values[param.name] = param.parse(stored[param.name])
    return values


def enabled_rules(campaign) -> list[Rule]:
    return [r for r in rules.all_rules() if campaign is None or campaign.is_rule_enabled(r.code)]


def clean(rule: Rule, raw: dict) -> tuple[Params, dict[str, list[str]]]:
    """Parse typed values (one per parameter); returns the values and errors by name."""
    values, errors = Params(), {}
    for param in rule.params:
        try:
            values[param.name] = param.parse(raw.get(param.name))
        except ValidationError as exc:
            errors[param.name] = exc.messages
    return values, errors


def snapshot(campaign) -> dict:
    """What a run used: enabled rules and their effective parameters (JSON)."""
    shot = {}
    for rule in enabled_rules(campaign):
        values = effective(campaign, rule)
        shot[rule.code] = {p.name: p.to_json(values[p.name]) for p in rule.params}
    return shot


def describe(rule: Rule, values: Params) -> str:
    """Parameters as the pages show them: "发放期限 30天；…"."""
    return "；".join(
        f"{p.label} {num(values[p.name]) if p.kind != DAYS else values[p.name]}{p.unit}"
        for p in rule.params
    )


def basis_for(campaign, rule: Rule) -> str:
    """A rule's policy basis as pages show it: ``{plan}`` names the round's own plan (its
    document number), and the parameters the rule runs with in this round follow — so a
    changed ceiling shows at once, and no other county's document or figure is quoted."""
    plan = "本轮“回头看”方案"
    if campaign is not None and campaign.document_number:
        plan += f"（{campaign.document_number}）"
    text = rule.basis.replace("{plan}", plan)
    if rule.params:
        text += f"本轮参数：{describe(rule, effective(campaign, rule))}。"
    return text
