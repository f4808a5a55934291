"""Stage 2, PDF: HTML → PDF bytes (WeasyPrint, in limited worker processes), and the PDF
surgery after it: packing, shared font subsets, tagging, print finishing."""
