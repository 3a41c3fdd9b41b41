"""What the tests share besides fixtures: the page tree every test starts with, payments
with the local Stripe, times of day, and axe-core for the browser journeys."""
