"""The last app Django makes ready: from here on the process runs as usual.

`manage.py` pauses Python's cycle collector while Django, Wagtail and the apps load: they make a
few hundred thousand objects that live as long as the process, and the collector would walk
them over and over as they are made (a tenth of a short command's time, `seed_demo` or
`migrate`). Once every app is ready, those objects are frozen (left out of every later walk) and
collection starts again. Elsewhere (the web server, tests) it was never paused; freezing what
start-up made does no harm there either."""

import gc

from django.apps import AppConfig


class StartedConfig(AppConfig):
    """Listed last in INSTALLED_APPS, so that its `ready` runs after everyone else's."""

    name = "startwell.started"
    label = "startwell_started"
    verbose_name = "Start-up done"

    def ready(self):
        gc.freeze()
        gc.enable()
