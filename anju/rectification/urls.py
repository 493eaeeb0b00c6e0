"""URLs of the rectification ledger (整改台账)."""

from django.urls import path

from anju.rectification import views, views_actions, views_exports, views_findings

app_name = "rectification"

urlpatterns = [
    path("ledger/", views.ledger_list, name="ledger_list"),
    path("ledger/new/", views.entry_create, name="entry_create"),
    path("ledger/drafts/", views.draft_list, name="draft_list"),
    path("ledger/quality/", views.quality_view, name="quality"),
    path("ledger/from-findings/", views_findings.from_findings, name="from_findings"),
    path("ledger/export/official/", views_exports.export_official, name="export_official"),
    path("ledger/export/internal/", views_exports.export_internal, name="export_internal"),
    path("ledger/export/county/", views_exports.export_county, name="export_county"),
    path("ledger/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("ledger/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path(
        "ledger/<int:pk>/do/<slug:name>/",
        views_actions.entry_transition,
        name="entry_transition",
    ),
    path("ledger/<int:pk>/notes/", views_actions.note_add, name="note_add"),
    path("ledger/<int:pk>/evidence/", views_actions.evidence_upload, name="evidence_upload"),
    path(
        "ledger/<int:pk>/evidence/<int:evidence_pk>/",
        views_actions.evidence_file,
        name="evidence_file",
    ),
    path("ledger/<int:pk>/discard/", views_actions.draft_discard, name="draft_discard"),
    path("ledger/<int:pk>/join/", views_actions.draft_join, name="draft_join"),
]
