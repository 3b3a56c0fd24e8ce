"""Demo data of documents (``sanxiang demo_data`` calls these through the lead's demo command)."""

from __future__ import annotations

from sanxiang.cases.models import Case
from sanxiang.documents.actions import dossier_archive, dossier_issue_missing
from sanxiang.documents.models import DossierArchive
from sanxiang.org.models import User
from sanxiang.org.selectors import system_user


def demo_archive(*, actor: User, case: Case) -> Case:
    """Issue what the dossier lacks, then archive it (use instead of ``cases.actions.case_archive`` in demos)."""
    dossier_issue_missing(actor=actor, case=case)
    return dossier_archive(actor=actor, case=case).case


def documents_demo() -> int:
    """Issue the missing checklist documents of every case not yet archived; idempotent. Returns how many."""
    actor = system_user()
    issued = 0
    archived = set(DossierArchive.objects.values_list("case_id", flat=True))
    for case in Case.objects.exclude(state__in=("archived", "lead", "dismissed")).exclude(pk__in=archived):
        issued += len(dossier_issue_missing(actor=actor, case=case))
    return issued
