#!/usr/bin/env python
"""Django's command-line utility for the Start Well portal."""

import gc
import os
import sys

if __name__ == "__main__":
    # Loading Django, Wagtail and the apps makes a few hundred thousand objects that live as long
    # as the command. At Python's default pace (a collection every 700 new objects) the cycle
    # collector walks them again and again, a tenth of a short command's time (`seed_demo`,
    # `migrate`); every 50,000 it walks them about once. The cost is memory held a little longer
    # by garbage in cycles: a few megabytes at most.
    gc.set_threshold(50_000)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "startwell.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
