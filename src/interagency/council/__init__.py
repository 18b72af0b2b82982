"""Council secretariat: meetings, agendas, joint documents, cooperation programmes, reports."""
