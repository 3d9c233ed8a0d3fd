"""A209: a cron job pinned to minute 0 of the hour.

The top of the hour is when every app's traffic and scheduled work peak.
Reported, as ESLint reports it, on a `minuteUTC: 0` of `crons.hourly /
daily / weekly / monthly`, and on a `crons.cron` expression whose minute
field includes 0 (`0`, `0-5`, `0/30`, or 0 in a list). `*/15` also fires at
:00 but is left alone: its off-peak form (`7/15`) is obscure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from convex_schema.analyze.modules import CronSchedule
from convex_schema.analyze.registry import Category, Rule, Subject, rule
from convex_schema.diagnostics import Diagnostic, Severity

MINUTE_ZERO = re.compile(r"^0+([-/]|$)")
PEAK = "the busiest minute of the hour"


@rule(
    "A209",
    "top-of-hour-cron",
    Severity.WARNING,
    Category.performance,
    "A cron runs at minute 0 (minuteUTC: 0, or a cron expression starting 0), "
    "the busiest minute of the hour; let Convex pick the minute or choose another.",
    eslint="no-top-of-hour-crons",
)
def check(subject: Subject, rule: Rule) -> Iterator[Diagnostic]:
    for facts in subject.project.files.values():
        for schedule in facts.cron_schedules:
            job = f'cron "{schedule.name}"' if schedule.name else "this cron"
            data = {"job": schedule.name, "method": schedule.method}
            if schedule.minute_utc == 0:
                yield rule.finding(
                    f"{job} runs at :00 (minuteUTC: 0), {PEAK}",
                    schedule.span,
                    hint="leave out minuteUTC so Convex picks a minute, or choose "
                    "an off-peak one such as minuteUTC: 17",
                    data=data,
                )
            elif _at_minute_zero(schedule):
                yield rule.finding(
                    f'{job} runs at :00 ("{schedule.expression}"), {PEAK}',
                    schedule.span,
                    hint="use crons.hourly/daily without minuteUTC, crons.interval "
                    "if the time of day does not matter, or another minute"
                    + _other_minute(schedule),
                    data=data,
                )


def _at_minute_zero(schedule: CronSchedule) -> bool:
    if schedule.expression is None:
        return False
    fields = schedule.expression.split()
    return len(fields) == 5 and any(
        MINUTE_ZERO.match(part) for part in fields[0].split(",")
    )


def _other_minute(schedule: CronSchedule) -> str:
    assert schedule.expression is not None
    fields = schedule.expression.split()
    if fields[0].strip("0"):
        return ""
    return f' such as "{" ".join(["17", *fields[1:]])}"'
