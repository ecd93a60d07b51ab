"""Grounding: every value of a report checked against the article it came from.

- align.py   where a quote sits in the article (exact, normalized, fuzzy)
- ground.py  whether each value sits inside its own quote; what to re-ask
"""
