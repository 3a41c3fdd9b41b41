import factory

from codesign.models import Audience, Comment, Idea, IdeaStatus, Support

from .accounts import UserFactory
from .pages import CentrePageFactory


class IdeaFactory(factory.django.DjangoModelFactory):
    """A published idea, written directly (tests of the lifecycle go through services)."""

    class Meta:
        model = Idea

    centre = factory.SubFactory(CentrePageFactory)
    proposer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    description = "Something families would enjoy."
    audience = Audience.TODDLERS
    status = IdeaStatus.PUBLISHED


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    idea = factory.SubFactory(IdeaFactory)
    parent = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = "Sounds lovely."
