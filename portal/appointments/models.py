"""Appointment slots and bookings: lawyer services and reception days."""
