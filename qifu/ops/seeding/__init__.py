"""The demo data generator behind `qifu seed` (PRODUCT.md §3, §4).

Deterministic: the same --seed gives the same rows (random.Random and Faker('zh_CN') seeded per
part, every date relative to scales.ANCHOR). The planners (people, registry, projects) are pure
Python; writer.py puts their output into the database in bulk.
"""
