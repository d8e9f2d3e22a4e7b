from django.urls import path

from tandem.matching import views

app_name = "matching"

urlpatterns = [
    path("<slug:slug>/", views.run_list, name="runs"),
    path("<slug:slug>/runs/<int:pk>/", views.run_review, name="review"),
    path("<slug:slug>/runs/<int:pk>/status/", views.run_status, name="status"),
    path("<slug:slug>/runs/<int:pk>/swap/", views.proposal_swap, name="swap"),
    path("<slug:slug>/runs/<int:pk>/rerun/", views.run_rerun, name="rerun"),
    path("<slug:slug>/runs/<int:pk>/publish/", views.run_publish, name="publish"),
    path(
        "<slug:slug>/runs/<int:pk>/proposals/<int:proposal_id>/lock/",
        views.proposal_lock,
        name="lock",
    ),
    path(
        "<slug:slug>/runs/<int:pk>/proposals/<int:proposal_id>/forbid/",
        views.proposal_forbid,
        name="forbid",
    ),
    path(
        "<slug:slug>/runs/<int:pk>/proposals/<int:proposal_id>/remove/",
        views.proposal_remove,
        name="remove",
    ),
    path("<slug:slug>/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
]

# Pair by hand (its own module, see docs/matching-app.md).
from tandem.matching import views_hand  # noqa: E402

urlpatterns.append(path("<slug:slug>/by-hand/", views_hand.hand_pair, name="hand"))
