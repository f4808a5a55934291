"""pressbrief: structured briefing content in, branded print-ready PDF one-pagers out."""
