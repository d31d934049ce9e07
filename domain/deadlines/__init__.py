"""Deadlines 时限 (DOMAIN.md R-D1 … R-D8): period arithmetic on the official working-day
calendar, the policies in force, each deadline's status, and every deadline of a case."""
