from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/review/", views.review, name="review"),
]
