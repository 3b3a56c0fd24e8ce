"""``sanxiang verify``: every approved baseline still has the content its approval committed to.

The approval row (and so its digest) is in the record log; the items and
tiers are ordinary rows, so a change to them after approval is found by
recomputing the digest here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanxiang.discretion.models import Baseline
from sanxiang.discretion.selectors import baseline_digest
from sanxiang.record.verify import Options, Report

CHECK = "discretion baselines"


def approved_content_check(report: Report, options: Options) -> None:
    """Add a problem for each approved version whose items or tiers differ from what was approved."""
    for baseline in Baseline.objects.filter(approval__isnull=False).select_related("approval"):
        if baseline_digest(baseline) != baseline.approval.content_digest:
            report.add(CHECK, f"baseline {baseline.version}", _("the items or tiers changed after approval"))
