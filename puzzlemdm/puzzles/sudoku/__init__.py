"""Sudoku: board (`board`), text formats (`formats`), verifier (`verify`), generator
(`generate`), symmetries and canonical form (`symmetry`), token grid (`tokens`), training
augmentation (`augment`), and the classical solvers with decision traces: MRV search
(`search`), human techniques (`strategy`, `techniques`), python-constraint (`constraint`)."""
