"""Nothing of this app is registered with Django's admin site.

Administrations and risk events are clinical records: they are read through the
access module (care team, supervisor, break-the-glass) and written through audited
services, and the admin site is the administrators' tool, who see no patient data.
"""
