import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URLs, the settings) lives as long as the process:
# frozen out of the collector's reach, so that the collections a request triggers stop walking it
# again (the province dashboard spent a fifth of its time in them; docs/decisions.md, "Lists of
# ids in kept reads; the collector skips what the process loaded").
gc.collect()  # what start-up left as garbage is not kept for the process's life
gc.freeze()
