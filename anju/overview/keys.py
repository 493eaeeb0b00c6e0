"""The overview's metric keys and their names in the bureau's words."""

from __future__ import annotations

from anju.screening.choices import Aspect

# Households in the campaign's scope (per township and village).
HH_SCOPE = "hh_scope"  # 范围内农户
HH_ASSESSED = "hh_assessed"  # 已鉴定（有当前鉴定）
HH_PLAQUED = "hh_plaqued"  # 已挂牌
HH_DANGEROUS = "hh_dangerous"  # 当前鉴定为 C/D 级
HH_C_PENDING = "hh_c_pending"  # C 级，改造未验收（或无改造）
HH_D_PENDING = "hh_d_pending"  # D 级，改造未验收（或无改造）

# Screening findings whose rule still fires (as the findings list shows them by default).
FINDING_ASPECT = {a.value: f"f_a{a.value}" for a in Aspect}
F_OPEN = "f_open"
F_CONFIRMED = "f_confirmed"
F_DISMISSED = "f_dismissed"

# Ledger entries of the campaign (drafts are not on the ledger).
L_TOTAL = "l_total"
L_OPEN = "l_open"
L_CLOSED = "l_closed"
L_OVERDUE = "l_overdue"
L_AWAITING = "l_awaiting"

# House visits.
V_SCOPE = "v_scope"
V_VISITED = "v_visited"
V_EXPLAINED = "v_explained"

# Weekly timeliness, per township over the weeks due so far (and per week: "wk_" + state).
W_PREFIX = "w_"
WK_PREFIX = "wk_"

# Week-by-week trend (per township and week).
T_OPENED = "t_opened"
T_CLOSED = "t_closed"

# 动态监测 this month (``anju.monitoring.monthly``), per township.
M_NEW = "m_new"
M_IN_TIME = "m_in_time"
M_WAITING = "m_waiting"
M_OVERDUE = "m_overdue"

# Spot-checks: every sample of the campaign ("s_"), and only published ones ("p_").
SPOT_FIELDS = ("villages", "passed", "failed", "pending", "planned", "inspected", "missed", "fake")

LABELS = {
    HH_SCOPE: "范围内农户",
    HH_ASSESSED: "已鉴定",
    HH_PLAQUED: "已挂牌",
    HH_DANGEROUS: "C/D级危房",
    HH_C_PENDING: "C级未改造到位",
    HH_D_PENDING: "D级未改造到位",
    F_OPEN: "待确认",
    F_CONFIRMED: "已确认",
    F_DISMISSED: "已排除",
    L_TOTAL: "台账问题",
    L_OPEN: "未销号",
    L_CLOSED: "已销号",
    L_OVERDUE: "已逾期",
    L_AWAITING: "待核验",
    V_SCOPE: "应走访",
    V_VISITED: "已走访",
    V_EXPLAINED: "未走访已说明",
    T_OPENED: "新列入台账",
    T_CLOSED: "整改销号",
    M_NEW: "本月名单新增",
    M_IN_TIME: "按时鉴定",
    M_WAITING: "待鉴定（未到期）",
    M_OVERDUE: "逾期未鉴定",
}
