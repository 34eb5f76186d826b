; Stack the blocks so that the goal holds. Solve it with: puzzlemdm solve examples/blocksworld.pddl
;
; Six blocks on a table, one hand: (pick-up x) and (put-down x) move a clear block from and to
; the table, (unstack x y) and (stack x y) from and onto another clear block. The goal below is
; partial, as PlanBench writes its goals: blocks it does not name may end anywhere. Made by the
; project's generator (`puzzlemdm generate blocksworld --level medium --seed 900`, the first
; problem), its goal cut to four of its six facts; in no dataset split.
;
; The format is PlanBench's PDDL problem file (puzzlemdm/puzzles/blocksworld/pddl.py): one or
; more (define (problem ...)) forms, on/ontable/clear/handempty facts, ';' starts a comment.
(define (problem example-medium-s900)
(:domain blocksworld-4ops)
(:objects a b c d e f )
(:init
(handempty)
(ontable a)
(ontable b)
(on c d)
(ontable d)
(ontable e)
(on f e)
(clear a)
(clear b)
(clear c)
(clear f)
)
(:goal
(and
(on a c)
(on d f)
(on e b)
(on f a)
)
)
)
