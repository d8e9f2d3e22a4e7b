"""Reads for programs, one module a feature; the common ones are re-exported here."""

from tandem.programs.selectors.program import (
    access_program,
    access_program_as_coordinator,
    access_program_as_coordinator_with_membership,
    access_program_public,
    membership_get,
    program_list_for,
    program_list_public,
)

__all__ = [
    "access_program",
    "access_program_as_coordinator",
    "access_program_as_coordinator_with_membership",
    "access_program_public",
    "membership_get",
    "program_list_for",
    "program_list_public",
]
