from django.urls import path

from tandem.worksheets import views, views_manage

app_name = "worksheets"

urlpatterns = [
    # The partners' pages, under their partnership.
    path("partnerships/<int:pk>/", views.worksheet_list, name="partnership"),
    path("partnerships/<int:pk>/<int:template_id>/", views.worksheet_fill, name="fill"),
    path(
        "partnerships/<int:pk>/<int:template_id>/answers/<int:question_id>/",
        views.worksheet_answer,
        name="answer",
    ),
    path("partnerships/<int:pk>/<int:template_id>/done/", views.worksheet_done, name="done"),
    path(
        "partnerships/<int:pk>/<int:template_id>/history/",
        views.worksheet_history,
        name="history",
    ),
    # The coordinators' pages, under their program.
    path("p/<slug:slug>/", views_manage.worksheet_manage, name="manage"),
    path("p/<slug:slug>/new/", views_manage.worksheet_create, name="create"),
    path("p/<slug:slug>/suggested/", views_manage.worksheet_defaults, name="defaults"),
    path("p/<slug:slug>/<int:pk>/", views_manage.worksheet_edit, name="edit"),
    path("p/<slug:slug>/<int:pk>/sections/", views_manage.section_add, name="section_add"),
    path(
        "p/<slug:slug>/<int:pk>/sections/<int:section_id>/questions/",
        views_manage.question_add,
        name="question_add",
    ),
    path(
        "p/<slug:slug>/<int:pk>/sections/<int:section_id>/",
        views_manage.section_edit,
        name="section_edit",
    ),
    path(
        "p/<slug:slug>/<int:pk>/sections/<int:section_id>/move/",
        views_manage.section_move,
        name="section_move",
    ),
    path(
        "p/<slug:slug>/<int:pk>/questions/<int:question_id>/",
        views_manage.question_edit,
        name="question_edit",
    ),
    path(
        "p/<slug:slug>/<int:pk>/questions/<int:question_id>/move/",
        views_manage.question_move,
        name="question_move",
    ),
    path(
        "p/<slug:slug>/<int:pk>/questions/<int:question_id>/remove/",
        views_manage.question_remove,
        name="question_remove",
    ),
]
