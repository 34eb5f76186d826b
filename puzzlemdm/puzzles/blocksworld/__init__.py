"""Blocksworld planning: problems, moves and the plan verifier (`problem`), PDDL (`pddl`),
files (`formats`), uniform random states and levels (`random_states`), the state trajectory
(`trajectory`) and its token grid (`tokens`), augmentation (`augment`), and the optimal
planners A* / BFS (`astar`)."""
