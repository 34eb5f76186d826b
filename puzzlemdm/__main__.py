from puzzlemdm.cli import main

main()
