from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "sanxiang.review"
    label = "review"
    verbose_name = _("Legal review")

    def ready(self) -> None:
        from sanxiang.record.logged import register_logged

        from . import (
            guards,  # noqa: F401  (registers the decision gates of 法制审核 and 集体讨论)
            models,
        )

        for model in (
            models.DecisionDraft,
            models.ReviewSubmission,
            models.ReviewAssignment,
            models.ReviewOpinion,
            models.ReviewFinding,
            models.CounselReferral,
            models.CounselOpinion,
            models.CollectiveDiscussion,
            models.DiscussionSignOff,
        ):
            register_logged(model)
