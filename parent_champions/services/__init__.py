"""Writes for parent champions, by subject: applications and a manager's decisions, running a
register, and the sessions champions host."""
