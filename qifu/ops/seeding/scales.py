"""The sizes `qifu seed --scale` knows (PRODUCT.md §1 for the zone, §4 for the city)."""

from dataclasses import dataclass
from datetime import date

# Every date in the demo data is relative to this day, never to the clock, so that the same seed
# gives the same rows whenever it runs. It lies in the past: recorded (actual) dates are never
# in the future.
ANCHOR = date(2026, 11, 1)
# The zone launched the liaison mechanism (挂钩服务 2.0) on this day: most links start here.
MECHANISM_START = date(2024, 3, 1)


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    industrial: int  # industry code starting with C
    projects: int
    cadres: int
    deputies: int
    handlers: int  # spread over every department, busier ones get more
    heads_per_department: int
    desk: int
    leaders: int
    task_forces: int
    backup_share: float  # enterprises with a backup liaison
    history_share: float  # enterprises whose primary liaison changed once (the old link kept as history)
    portal_share: float  # enterprises with a portal account (besides the demo `ent`)
    cases: int = 0  # requests over the last 24 months (PRODUCT.md §4)
    rich_timelines: bool = True  # progress notes in the timelines; the city keeps 3-6 events a case
    visits: int = 0  # 走访 over the last 24 months (issue 4), by the linked liaisons
    indicator_share: float = 1.0  # enterprises with 24 months of indicators (issue 6; the city: half)


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        # For tests and browser tests: every demo account, a few of everything else.
        Scale(
            "small",
            30,
            16,
            8,
            cadres=6,
            deputies=3,
            handlers=15,
            heads_per_department=1,
            desk=2,
            leaders=1,
            task_forces=2,
            backup_share=0.2,
            history_share=0.1,
            portal_share=1.0,
            cases=60,
            visits=300,
        ),
        # The Kunshan High-tech Zone figures: 806 enterprises (415 industrial), 218 projects,
        # 92 cadres + 48 deputies = 140 liaisons, ~80 department handlers.
        Scale(
            "zone",
            806,
            415,
            218,
            cadres=92,
            deputies=48,
            handlers=80,
            heads_per_department=1,
            desk=4,
            leaders=3,
            task_forces=12,
            backup_share=0.2,
            history_share=0.08,
            portal_share=0.8,
            cases=3_000,
            visits=10_000,
        ),
        # PRODUCT.md §4: 100,000 enterprises, 20,000 projects, 5,000 staff (the heads below make
        # 2,300 + 1,200 + 1,200 + 140 + 100 + 15 x 4 = 5,000).
        Scale(
            "city",
            100_000,
            51_500,
            20_000,
            cadres=2_300,
            deputies=1_200,
            handlers=1_200,
            heads_per_department=4,
            desk=140,
            leaders=100,
            task_forces=800,
            backup_share=0.2,
            history_share=0.08,
            portal_share=0.5,
            cases=1_000_000,
            rich_timelines=False,
            visits=2_000_000,
            indicator_share=0.5,  # 50,000 x 24 months = 1,200,000 indicator rows (PRODUCT.md §4)
        ),
    )
}
