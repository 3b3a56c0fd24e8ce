from django.urls import URLPattern, URLResolver, path

from sanxiang.review import views, views_case, views_stats

app_name = "review"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue_view, name="queue"),
    path("submissions/<int:pk>/", views.submission_view, name="submission"),
    path("submissions/<int:pk>/assign/", views.assign_view, name="assign"),
    path("submissions/<int:pk>/opinion/", views.opinion_view, name="opinion"),
    path("submissions/<int:pk>/refer/", views.refer_view, name="refer"),
    path("counsel/", views.counsel_view, name="counsel"),
    path("referrals/<int:pk>/answer/", views.counsel_answer_view, name="counsel_answer"),
    path("stats/", views_stats.stats_view, name="stats"),
    path("cases/<int:pk>/draft/", views_case.draft_save_view, name="draft_save"),
    path("cases/<int:pk>/submit/", views_case.submit_view, name="submit"),
    path("cases/<int:pk>/discussion/", views_case.discussion_view, name="discussion"),
    path("discussions/<int:pk>/sign/", views_case.discussion_sign_view, name="discussion_sign"),
]
