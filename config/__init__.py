from django.urls import register_converter

from config.celery import app as celery_app
from config.row_ids import RowIdConverter

# Registered as the project's package loads, so before any module that declares URLs with it.
register_converter(RowIdConverter, "id")

__all__ = ["celery_app"]
