from django.urls import path

from tandem.goals import views

app_name = "goals"

urlpatterns = [
    path("partnership/<int:pk>/", views.goal_list, name="partnership"),
    path("<int:pk>/", views.goal_detail, name="detail"),
    path("<int:pk>/edit/", views.goal_edit, name="edit"),
    path("<int:pk>/steps/", views.step_add, name="step_add"),
    path("<int:pk>/steps/<int:step_id>/edit/", views.step_edit, name="step_edit"),
    path("<int:pk>/steps/<int:step_id>/delete/", views.step_delete, name="step_delete"),
    path("<int:pk>/steps/<int:step_id>/done/", views.step_done, name="step_done"),
    path("<int:pk>/progress/", views.progress_add, name="progress"),
    path("<int:pk>/comments/", views.comment_add, name="comment"),
    path("<int:pk>/nudge/", views.goal_nudge, name="nudge"),
    path("<int:pk>/complete/", views.goal_complete, name="complete"),
    path("pulse/<int:meeting_id>/", views.pulse_answer, name="pulse"),
    path("p/<slug:slug>/surveys/", views.survey_manage, name="survey_manage"),
    path("p/<slug:slug>/surveys/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path(
        "p/<slug:slug>/surveys/questions/<int:pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("p/<slug:slug>/surveys/<str:kind>/", views.survey_answer, name="survey_answer"),
]
