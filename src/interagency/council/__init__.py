"""Council secretariat: meetings, agendas, joint documents, cooperation programmes and annual reports."""
