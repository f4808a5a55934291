"""Stage 3, typesetting: a document model → HTML from its layout → a PDF fitted to its page
budget (headline balance, hyphenation, fit steps, trimming)."""
