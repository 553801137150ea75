"""Signals sent inside the transaction of each course event, for the apps above to record it there too
(records writes them to its xAPI outbox; a receiver's writes commit or roll back with the event).

- `enrolled(enrolments=[Enrolment], some_existed=bool)`: enrolments made (by the learner, or through a
  class's assignments). With `some_existed`, they were inserted ignoring the pairs already enrolled, and
  their primary keys are unknown: a row is new when the stored pair's created_at is the row's.
- `lesson_read(read=LessonRead, lesson=LessonPage, course=CoursePage)`: a lesson was first marked read.
"""
from django.dispatch import Signal

enrolled = Signal()
lesson_read = Signal()
