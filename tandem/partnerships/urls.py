from django.urls import path

from tandem.partnerships.views import agreement, closing, export, life, messages, partnership

app_name = "partnerships"

urlpatterns = [
    path("", partnership.partnership_list, name="list"),
    path("<int:pk>/", partnership.partnership_detail, name="detail"),
    # Ground rules, the life of a partnership and messages (see docs/partnerships.md).
    path("<int:pk>/agreement/", agreement.agreement_page, name="agreement"),
    path("<int:pk>/agreement/summary/", agreement.agreement_summary, name="agreement_summary"),
    path("<int:pk>/agreement/edit/", agreement.agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/accept/", agreement.agreement_accept_view, name="agreement_accept"),
    path("<int:pk>/life/", life.life_page, name="life"),
    path("<int:pk>/life/summary/", life.life_summary, name="life_summary"),
    path("<int:pk>/pause/", life.life_pause, name="pause"),
    path("<int:pk>/resume/", life.life_resume, name="resume"),
    path("<int:pk>/end/", life.life_end, name="end"),
    path("<int:pk>/rematch/", life.life_rematch, name="rematch"),
    path("<int:pk>/closing/", closing.closing_page, name="closing"),
    path("<int:pk>/closing/survey/", closing.closing_survey, name="closing_survey"),
    path("<int:pk>/closing/choice/", closing.closing_choice, name="closing_choice"),
    path("<int:pk>/closing/next-cohort/", closing.closing_next_cohort, name="closing_next_cohort"),
    path("<slug:slug>/alumni/", closing.alumni_page, name="alumni"),
    path("<slug:slug>/requests/", life.rematch_queue, name="rematch_queue"),
    path(
        "<slug:slug>/requests/<int:request_id>/handled/",
        life.rematch_handle,
        name="rematch_handle",
    ),
    path("<int:pk>/messages/", messages.messages_page, name="messages"),
    path("<int:pk>/messages/new/", messages.messages_new, name="messages_new"),
    path("<int:pk>/messages/summary/", messages.messages_summary, name="messages_summary"),
    path("<int:pk>/messages/preference/", messages.messages_preference, name="messages_preference"),
    path("<slug:slug>/export.csv", export.partnership_export_view, name="export"),
]
