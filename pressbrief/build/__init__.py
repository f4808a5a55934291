"""Stage 4, build: a project's documents and kits → files in the build folder, through the
cache; kit assembly, imposition and proofs."""
