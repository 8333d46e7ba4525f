"""IPT Care: Interpersonal Psychotherapy, run end to end."""
