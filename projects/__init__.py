"""The co-production tracker's domain: agreements, parties, funding, milestones and reports."""
