"""Reads for meetings, one module a topic: ``access`` (seats, names, ``access_*``), ``schedule``
(meetings, series, slots, everyone's local time, clock changes), ``turns``, ``balance``,
``notes`` (and commitments) and ``feed`` (the calendar feed)."""
