from django.apps import AppConfig


class IptConfig(AppConfig):
    """The IPT course: programs, phases, inventory, circle, timeline, problem areas,
    formulation, contract and goals, session notes, termination and group IPT."""

    name = "ipt"
    verbose_name = "Interpersonal psychotherapy"
