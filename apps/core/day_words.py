"""A day in words, "7 December 2026": below both core.dates (which writes every precision) and
core.limits (whose refusals name days), so neither has to import the other."""

import calendar
import datetime


def day_in_words(day: datetime.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
