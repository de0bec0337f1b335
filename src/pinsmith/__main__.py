from pinsmith.cli import main

main()
