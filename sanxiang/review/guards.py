"""The decision's gates of 法制审核, 集体讨论 and the discretion baseline (RULES.md §13.10, §13.11, §7).

Registered by name for the ``decide`` transition of the general procedure:

- ``legal_review_passed``: when the catalogue marks the decision major (``catalog.major.determine`` with
  the decided penalty), the decision is the current draft, the latest review of that draft passed, and
  its reviewer is still eligible (APL Art. 58: 未经法制审核或者审核未通过的，不得作出决定).
- ``collective_discussion_held``: when the determination requires a collective discussion, a signed
  record of one on the current draft exists (APL Art. 57 para 2).
- ``discretion_reason_if_outside``: when a baseline applies and the decided penalty is outside its
  range, a reason is given — the draft's when the decision is the draft, or the ``discretion_reason``
  input (APL Art. 34; 国办发〔2022〕27号).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sanxiang.cases.penalties import Penalty
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.procedures.guards import GuardContext, guard
from sanxiang.review import integration, selectors
from sanxiang.review.models import DecisionDraft
from sanxiang.review.points import Outcome


def _decided(ctx: GuardContext) -> Penalty | None:
    """The penalty decided; on the case page's preview (no input yet) the current draft's, else the notified one."""
    data = ctx.params.get("penalty")
    if data is None:
        draft = selectors.current_draft(ctx.case)
        data = draft.penalty if draft is not None else ctx.case.facts.get("notified_penalty")
    return Penalty.from_json(data) if data is not None else None


def _draft_matching(ctx: GuardContext) -> tuple[DecisionDraft | None, list[str]]:
    """The current draft when the decision is exactly its penalty; else the reasons why not."""
    draft = selectors.current_draft(ctx.case)
    if draft is None:
        return None, [_("No draft decision has been written and reviewed.")]
    if Penalty.from_json(draft.penalty) != _decided(ctx):
        return None, [
            _(
                "The penalty differs from draft version %(v)d that was reviewed: save the new penalty as a draft and have it reviewed."
            )
            % {"v": draft.version}
        ]
    return draft, []


def _determination(ctx: GuardContext) -> Any:
    return integration.determine(ctx.case, penalty=_decided(ctx), on=ctx.today)


@guard("legal_review_passed")
def legal_review_passed(ctx: GuardContext) -> list[str]:
    """A major decision only on a draft whose latest review passed, by a reviewer still eligible (APL Art. 58)."""
    determination = _determination(ctx)
    if not determination.major:
        return []
    lead = _("The decision is major and needs a passed legal review (APL Art. 58).")
    draft, reasons = _draft_matching(ctx)
    if draft is None:
        return [lead, *reasons]
    opinion = selectors.latest_opinion_for_draft(draft)
    if opinion is None:
        return [lead, _("Draft version %(v)d has not been reviewed yet.") % {"v": draft.version}]
    if opinion.outcome != Outcome.PASS:
        return [
            lead,
            _("The latest review of draft version %(v)d did not pass: %(o)s.")
            % {"v": draft.version, "o": Outcome(opinion.outcome).label},
        ]
    problems = selectors.reviewer_problems(opinion.reviewer, ctx.case)
    if problems:
        return [lead, _("The review of draft version %(v)d no longer counts:") % {"v": draft.version}, *problems]
    return []


@guard("collective_discussion_held")
def collective_discussion_held(ctx: GuardContext) -> list[str]:
    """A case flagged complex or major is decided only after a signed collective discussion (APL Art. 57 para 2)."""
    if not _determination(ctx).collective:
        return []
    lead = _(
        "The case must be decided collectively: a signed record of the collective discussion is required (APL Art. 57)."
    )
    draft, reasons = _draft_matching(ctx)
    if draft is None:
        return [lead, *reasons]
    if selectors.signed_discussion(draft) is None:
        return [lead, _("No signed collective discussion of draft version %(v)d exists.") % {"v": draft.version}]
    return []


@guard("discretion_reason_if_outside")
def discretion_reason_if_outside(ctx: GuardContext) -> list[str]:
    """Outside the baseline's range only with a reason (APL Art. 34; RULES.md §7)."""
    decided = _decided(ctx)
    if decided is None:
        return []
    draft = selectors.current_draft(ctx.case)
    same = draft is not None and Penalty.from_json(draft.penalty) == decided
    given = str(ctx.params.get("discretion_tier") or "")
    tier = given or (draft.tier_code if same and draft else "")
    try:
        assessment = integration.assess(ctx.case, decided, tier_code=tier, on=ctx.today)
    except ValidationFailed as exc:
        if given:
            return [exc.message]
        # The draft's tier belongs to a baseline version no longer in force: judge against every tier of the
        # version in force today, so the decision is still held to the baseline it is made under.
        assessment = integration.assess(ctx.case, decided, tier_code=None, on=ctx.today)
    if assessment.applicable is None or assessment.within:
        return []
    reason = str(ctx.params.get("discretion_reason") or "").strip() or (
        draft.discretion_reason if same and draft else ""
    )
    if reason:
        return []
    return [
        _("The penalty is outside the discretion baseline: give the reason for departing from it (APL Art. 34)."),
        *(str(p) for p in assessment.problems),
    ]
