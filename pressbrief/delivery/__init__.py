"""Stage 5, delivery: built PDFs → briefing-packet emails, queued in an outbox and sent
over SMTP exactly once."""
