"""Lawyer accounts, their verification and their bindings to cases."""
