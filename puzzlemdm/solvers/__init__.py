"""Classical solvers that record the order in which they decide."""
