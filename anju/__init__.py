"""Anju (安居): the rural dilapidated-house renovation look-back (回头看) system."""
