"""One mapping module per FHIR resource type: ``to_fhir`` builds the resource from the
database row as plain JSON data, ``from_fhir`` reads the mapped fields back (the
round-trip tests compare them). ``interop.registry`` validates with fhir.resources."""
