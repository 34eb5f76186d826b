"""Zebra (Einstein) puzzles: puzzle types and the rules (`puzzle`), English clues (`english`),
files (`formats`), generator and levels (`generate`, `levels`), token grid (`tokens`),
augmentation (`augment`), and solvers: propagation (`propagate`), traced strategy and complete
search (`search`), python-constraint (`constraint`)."""
