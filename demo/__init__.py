"""The demo year (演示数据): a seeded provincial handling year 2025, built from the seeds' figures.

``load_demo`` drives the real application — every fact is a domain command the rules accept, so
a refusal here is a bug in the generator and is left to raise — through one year modelled on:

- seed 002 (Hunan 2018): the finance department's 76 lead cases, replies A 41 / C 18 / rest B,
  373 items in all with its 297 co-handled ones, every lead case contacted, its key cases met,
  replies on time and feedback satisfied ("five 100 %"); the housing department's 51 lead and 46
  co cases, 12 key cases, 4 proposers who declined a meeting and follow-up calls on every reply;
- seed 003 (Hebei 2022): units on both sides of the visit-rate steps (9, 10, 11, 49, 50 lead
  cases, R-V2), some meeting the required rate and some short of it; the 2- and 3-month
  deadlines, disclosure within 15 days and 30-day re-handling, all exercised on time and late.

Everything else (channels, dates, verdicts, findings) is drawn from ``random.Random(seed)``, so a
seed always produces the same commands. Business dates run from January 2025 to ``DEMO_TODAY``.
``scale`` shrinks every count (at least one per bucket) for fast tests.

The modules, in the order a load uses them: ``dates``, ``units``, ``people``, ``scale``, ``plan``,
``storylines`` and ``planner`` lay out the year; ``actors`` and ``context`` hold who acts and the
load in progress; ``story_base``, ``assignment``, ``communication``, ``replies``, ``feedback``,
``review``, ``story`` and ``merges`` issue each case's commands; ``load`` and ``summary`` run it
all and tally it; ``readback`` summarises what the store holds; ``earlier_year`` registers last
year's cases that the demo year repeats (R-S4), when asked.
"""

from demo.dates import DEMO_TODAY
from demo.load import load_demo
from demo.readback import summarise
from demo.summary import DemoSummary

__all__ = ["DEMO_TODAY", "DemoSummary", "load_demo", "summarise"]
