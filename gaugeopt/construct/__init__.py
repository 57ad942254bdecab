"""Constructive scheduler: a fast greedy schedule (warm start and benchmark baseline)."""

from gaugeopt.construct.search import construct

__all__ = ["construct"]
