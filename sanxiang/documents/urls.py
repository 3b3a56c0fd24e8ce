from django.urls import URLPattern, URLResolver, path

from sanxiang.documents import views

app_name = "documents"

urlpatterns: list[URLPattern | URLResolver] = [
    path("case/<int:pk>/issue/", views.issue_view, name="issue"),
    path("case/<int:pk>/dossier.pdf", views.dossier_view, name="dossier_pdf"),
    path("case/<int:pk>/archive/", views.archive_view, name="archive"),
    path("case/<int:pk>/export.zip", views.export_view, name="export"),
    path("case/<int:pk>/consent/", views.consent_view, name="consent"),
    path("<int:pk>/pdf/", views.pdf_view, name="pdf"),
    path("<int:pk>/void/", views.void_view, name="void"),
    path("<int:pk>/eservice/", views.eservice_view, name="eservice"),
]
