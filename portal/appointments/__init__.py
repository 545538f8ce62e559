"""Appointments: lawyers book file reading, meetings and opinion submission; citizens reserve a
visit on the chief procurator's reception day; staff run the day's schedule.

Where each rule lives:
- models.py: places, opening hours, slot counters, closures, bookings, and the CHECK and UNIQUE
  constraints that back the rules in the database;
- workflow.py: the booking state machine (which action from which state, by whom), on
  portal.core.workflow, with the audit event of each transition;
- availability.py: which slots exist and which are free (opening hours, working days, closures,
  the booking window's notice and horizon);
- slots.py: taking and releasing a slot's places and closing slots, with the argument why a
  slot never holds more than its capacity and a case never two bookings a day;
- services.py: the rules of booking, cancelling, moving, staff decisions, closures and the
  places and hours administrators set up (each change with its audit event; no commit);
- notices.py: what the lawyer is told by e-mail;
- queries.py: read-side lists, also for other domains (`bookings_of_lawyer`);
- forms.py, views.py (lawyers and citizens), admin.py (back office), ics.py (calendar files).
"""
