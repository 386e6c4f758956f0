"""The visit companion: a clinician's page for one well-child visit, practices delivered, summaries."""
