"""The simulated year: evidence that no petition goes unanswered unnoticed (issue 15).

- invariants.py: what must hold at every moment of the portal's life, checked against the
  database (not against the code that keeps it): every missed deadline escalated once, nothing
  answered without a reply the petitioner can read and, where they chose it, a queued message,
  one audit event per transition on a chain that verifies, and transparency figures that equal a
  recount from the raw petitions;
- year.py: a year of petitions on the real services, workflow and sweep, with staff who are as
  diligent, late, absent or wrong as `Behaviour` says;
- cli.py: `flask --app portal simulate`, which runs year.py on a scratch database and prints the
  figures month by month, with any invariant broken.

The stateful property test (tests/petitions/test_year_properties.py) drives the same services
action by action, with Hypothesis choosing the order, and checks invariants.py after each step.

Like the demo loader (portal/demo.py), this package wires every domain together and drives them
through their own functions (the petition workflow included), so the architecture test counts it
among the composition modules; nothing in the portal imports it.
"""
