import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distra.config.settings")
application = get_wsgi_application()

# Import every view and build the API's schemas now (about a second of CPU), while the worker boots
# and before it accepts a connection: otherwise each worker's first request pays for it, and the
# requests queued behind it wait.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 (the property imports the URLconf and every view module)
