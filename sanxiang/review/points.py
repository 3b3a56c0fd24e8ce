"""The vocabulary of 法制审核: the points a review answers, the finding on each, and the outcomes.

The eleven points are those of the bureau's implementing plan (seed: 铁西区城市管理行政执法局
推行三项制度工作实施方案, 二(三)4 "明确审核内容"), in its order; each member's docstring quotes it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewPoint(models.TextChoices):
    BODY = "body", _("Lawful enforcement body")
    """行政执法主体是否合法."""
    OFFICERS = "officers", _("Officers qualified for enforcement")
    """行政执法人员是否具备执法资格."""
    FACTS = "facts", _("Main facts clear")
    """主要事实是否清楚."""
    EVIDENCE = "evidence", _("Evidence conclusive and sufficient")
    """证据是否确凿充分."""
    LAW = "law", _("Laws, regulations and rules applied correctly")
    """适用法律法规规章是否准确."""
    DISCRETION = "discretion", _("Discretion baseline applied properly")
    """执行裁量基准是否适当."""
    PROCEDURE = "procedure", _("Procedure lawful")
    """程序是否合法."""
    POWER = "power", _("Within the agency's power, no abuse of power")
    """是否有超越本机关职权范围或滥用职权情形."""
    DOCUMENTS = "documents", _("Enforcement documents standard and complete")
    """行政执法文书是否规范齐备."""
    CRIME = "crime", _("Suspected crime to be transferred to a judicial organ")
    """违法行为是否涉嫌犯罪需要移送司法机关 (APL Art. 27)."""
    OTHER = "other", _("Other matters to review")
    """其他应审核的内容."""


class Finding(models.TextChoices):
    OK = "ok", _("No problem")
    """The point is satisfied (for 涉嫌犯罪: no crime is suspected)."""
    PROBLEM = "problem", _("Problem found")
    """The point is not satisfied; the notes say what is wrong and what to do."""
    NOT_APPLICABLE = "na", _("Not applicable")
    """The point does not arise in this case (e.g. no baseline covers the violation)."""


class Outcome(models.TextChoices):
    PASS = "pass", _("Passed")
    """审核通过: the decision may be made on the reviewed draft (APL Art. 58)."""
    RETURN = "return", _("Returned for supplementary investigation or correction")
    """退回补充调查或者修改: the problem findings are the items to address; a new draft or package follows."""
    FAIL = "fail", _("Not passed")
    """审核未通过: no decision may be made on this draft (APL Art. 58 para 1: 未经法制审核或者审核未通过的，不得作出决定)."""
