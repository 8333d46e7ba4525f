"""The IPT app's models, one module per part of the course (see each module)."""

from ipt.models.courses import Contract, Course, CourseExtension, CourseSession
from ipt.models.groups import Group, GroupMember, GroupSession
from ipt.models.initial import (
    CourseProblemArea,
    Goal,
    GoalRating,
    InventoryPerson,
    TimelineEntry,
)
from ipt.models.notes import NoteAddendum, NoteLocked, SessionNote
from ipt.models.programs import Program, ProgramMeasure
from ipt.models.termination import RelapsePreventionPlan, TerminationReview

__all__ = [
    "Contract",
    "Course",
    "CourseExtension",
    "CourseProblemArea",
    "CourseSession",
    "Goal",
    "GoalRating",
    "Group",
    "GroupMember",
    "GroupSession",
    "InventoryPerson",
    "NoteAddendum",
    "NoteLocked",
    "Program",
    "ProgramMeasure",
    "RelapsePreventionPlan",
    "SessionNote",
    "TerminationReview",
    "TimelineEntry",
]
