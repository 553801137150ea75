"""Role checks for templates, from the one definition in accounts.roles."""
from django import template

from accounts import roles

register = template.Library()

register.filter("is_teacher", roles.is_teacher)
register.filter("is_academy_staff", roles.is_academy_staff)
register.filter("is_student", roles.is_student)
