from django.urls import path

from sanxiang.procedures import views

app_name = "procedures"

urlpatterns = [
    path("<slug:code>/flowchart/", views.flowchart_view, name="flowchart"),
    path("<slug:code>/flowchart.svg", views.flowchart_svg_view, name="flowchart_svg"),
]
