"""Demo data of publicity (called from ``sanxiang demo_data``): the lists and the decided cases, published.

Idempotent: a list already published and a publication already past a state are left as they are.
"""

from __future__ import annotations

from sanxiang.org.selectors import system_user
from sanxiang.publicity import actions
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.models import Publication, PublicationKind, PublicationState
from sanxiang.publicity.selectors import cases_awaiting_preparation

S = PublicationState


def _walk_to_published(pub: Publication) -> None:
    actor = system_user()
    if pub.state == S.DRAFT:
        pub = actions.publication_submit(actor=actor, publication=pub)
    if pub.state == S.SUBMITTED:
        pub = actions.publication_approve(actor=actor, publication=pub)
    if pub.state == S.APPROVED:
        actions.publication_publish(actor=actor, publication=pub)


def demo_publicity() -> None:
    """Publish every list that has rows and every decided case's publication (the system actor approves)."""
    actor = system_user()
    for source in SOURCES.values():
        if Publication.objects.filter(kind=PublicationKind.LIST, list_code=source.code).exists():
            continue
        rows = source.rows()
        if rows:
            pub = actions.publication_prepare_list(
                actor=actor, list_code=source.code, title=str(source.title), rows=rows
            )
            _walk_to_published(pub)
    for case in cases_awaiting_preparation():
        prepared = actions.publication_prepare_for_case(actor=actor, case=case)
        if prepared is not None:
            _walk_to_published(prepared)
