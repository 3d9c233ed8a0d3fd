"""The health score: 100 points shared by five categories, less what the
findings cost.

Each category starts from its weight (correctness 30, performance 25,
security 25, schema design 10, maintainability 10). A finding costs its
severity's points (error 8, warning 3, info 1) in its rule's category; the
n-th finding of the same rule costs 1/n of that, so one rule repeated across
a large project cannot by itself empty a category. A category never goes
below 0. The score is the sum of the categories, rounded down.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from convex_schema.analyze.registry import Category
from convex_schema.diagnostics import Diagnostic, Severity

WEIGHTS = {
    Category.correctness: 30,
    Category.performance: 25,
    Category.security: 25,
    Category.design: 10,
    Category.maintainability: 10,
}
COST = {Severity.ERROR: 8.0, Severity.WARNING: 3.0, Severity.INFO: 1.0}


@dataclass
class Score:
    total: int
    categories: dict[str, float]
    costs: list[tuple[str, float, int]] = field(
        default_factory=list
    )  # code, points, findings

    def to_json(self) -> dict[str, object]:
        return {
            "score": self.total,
            "categories": {
                name: {"score": round(value, 1), "of": WEIGHTS[Category(name)]}
                for name, value in self.categories.items()
            },
            "costliest": [
                {"code": code, "points": round(points, 1), "findings": count}
                for code, points, count in self.costs
            ],
        }


def health_score(findings: list[Diagnostic], categories: dict[str, Category]) -> Score:
    """`categories` maps each code to its category (unknown codes count as
    correctness: reader and schema problems)."""
    seen: dict[str, int] = defaultdict(int)
    by_rule: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    spent: dict[Category, float] = defaultdict(float)
    for finding in findings:
        seen[finding.code] += 1
        cost = COST[finding.severity] / seen[finding.code]
        category = categories.get(finding.code, Category.correctness)
        spent[category] += cost
        by_rule[finding.code] += cost
        count[finding.code] += 1
    scores = {
        category.value: max(0.0, weight - spent[category])
        for category, weight in WEIGHTS.items()
    }
    total = math.floor(sum(scores.values()) + 1e-9)
    costs = sorted(
        ((code, points, count[code]) for code, points in by_rule.items()),
        key=lambda item: (-item[1], item[0]),
    )
    return Score(total, scores, costs)
