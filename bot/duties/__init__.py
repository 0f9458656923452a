"""Household duties: households, assignments, the monthly reminder and its one-tap reports."""
