"""One grade for a house on the visit pages (#17 item 3): the worklist and the visit form
say the current grade, labelled, with the grade before the renovation beside it; the
method question is asked against the grade before the renovation ("B级 · 原址重建" read as
a policy breach to a village worker)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_worklist_shows_the_current_grade(worker_a, household, as_user):
    body = as_user(worker_a).get(reverse("visits:worklist")).content.decode()
    assert "当前A级（改造前D级）" in body  # D, rebuilt, accepted as A


def test_the_visit_form_says_which_grade_it_means(worker_a, household, as_user):
    body = as_user(worker_a).get(reverse("visits:visit_form", args=[household.pk])).content
    body = body.decode()
    assert "当前等级 A级（验收后等级；改造前 D级）" in body
    assert "档案等级" not in body
    assert "牌子上的等级与档案中的当前等级一致吗？" in body
    assert "档案：改造前鉴定等级 D级 · 原址重建" in body
    assert "A级 · 原址重建" not in body


def test_the_paper_form_names_both_grades(worker_a, household, as_user):
    body = as_user(worker_a).get(reverse("visits:print_household", args=[household.pk])).content
    body = body.decode()
    assert "当前等级" in body and "改造前鉴定等级" in body
