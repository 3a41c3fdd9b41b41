#!/usr/bin/env python
"""Django's command-line utility for the Start Well portal."""

import gc
import os
import sys

if __name__ == "__main__":
    # Loading Django, Wagtail and the apps makes a few hundred thousand objects that live as long
    # as the command; Python's cycle collector would walk them again and again as they are made.
    # It is paused until every app is ready (startwell/started.py starts it again, with those
    # objects left out of its walks), and then runs every 50,000 new objects rather than every
    # 700: a short command's own work makes many objects and little garbage in cycles.
    gc.disable()
    gc.set_threshold(50_000)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "startwell.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
