"""Issue #13, major 5, as reported: two sessions open an entry's form; A saves new 整改措施,
B then saves a new 完成时限 from the page B opened before — B must not erase A's measures.
(``tests/test_edit_conflicts.py`` walks every other edit form the same way.)"""

from __future__ import annotations

import datetime as dt

import pytest

from anju.rectification.models import LedgerEntry
from tests.conftest import make_user
from tests.html_forms import form_of

pytestmark = pytest.mark.django_db


def test_a_stale_entry_form_keeps_the_other_measures_and_says_who(
    as_user, officer_a, township_a, ledger_campaign, make_entry
):
    entry = make_entry()
    url = f"/ledger/{entry.pk}/edit/"
    b_user = make_user("p_officer_a2", officer_a.role, township_a)
    a, b = as_user(officer_a), as_user(b_user)
    form_a = form_of(a.get(url).content.decode(), url, url)
    form_b = form_of(b.get(url).content.decode(), url, url)

    form_a["measures"] = "由村两委于6月10日前完成挂牌并拍照存档（A）"
    assert a.post(url, form_a).status_code == 302
    later = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    form_b["deadline"] = later
    refused = b.post(url, form_b)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "未保存：您打开页面之后，“整改台账第1号”已被 p_officer_a " in html
    assert "由村两委于6月10日前完成挂牌并拍照存档（A）" in html  # the differences table
    assert f'value="{later}"' in html  # B's own input is still on the page
    entry.refresh_from_db()
    assert entry.measures.endswith("（A）") and entry.deadline != dt.date.fromisoformat(later)

    # Having seen A's change, B saves again: now deliberately over it.
    again = form_of(html, url, url)
    assert b.post(url, again).status_code == 302
    entry.refresh_from_db()
    assert entry.deadline == dt.date.fromisoformat(later)


def test_a_request_without_a_version_is_not_checked(
    as_user, officer_a, ledger_campaign, make_entry
):
    """Scripts and the API send no version; only the page forms carry one."""
    entry = make_entry()
    url = f"/ledger/{entry.pk}/edit/"
    client = as_user(officer_a)
    data = form_of(client.get(url).content.decode(), url, url)
    data.pop("version")
    data["cause"] = "鉴定后未及时制牌（脚本）"
    assert client.post(url, data).status_code == 302
    assert LedgerEntry.objects.get(pk=entry.pk).cause.endswith("（脚本）")
