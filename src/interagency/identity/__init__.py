"""Identity: the council's member states (agencies, desks and users build on them)."""
