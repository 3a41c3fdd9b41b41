from django.apps import AppConfig


class CodesignConfig(AppConfig):
    name = "codesign"
    verbose_name = "Co-design"

    def ready(self):
        from startwell import pagecache

        from .models import CentreIdeaSettings, Comment, Idea, IdeaDecision, Support

        # The ideas, their supporters and comments, decisions and "You said, we did".
        pagecache.invalidate_on_change(Idea, Support, Comment, IdeaDecision, CentreIdeaSettings)
